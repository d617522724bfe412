#!/usr/bin/env python3
"""Message catalogs of ``campaign`` through Babel: extract, compile, check.

    python scripts/i18n.py extract   # code -> campaign_cli/locale/vi/LC_MESSAGES/campaign.po
    python scripts/i18n.py compile   # .po -> .mo (shipped in the package; commit it)
    python scripts/i18n.py check     # what is untranslated, fuzzy, broken or stale; exit 1 if anything

Babel (a development dependency, in the ``test`` extra) does the work; the
program itself reads the ``.mo`` with the standard ``gettext`` module.
``babel.cfg`` says what is extracted: ``_``, ``gettext``, ``ngettext``,
``pgettext``, ``N_`` and ``NP_`` (a context message translated later) through
Babel's Python extractor, plus what it cannot see, added by
:func:`extract_campaign` below:

* the docstrings of typer commands in ``campaign_cli/cli/`` (decorated with
  ``@app.command(...)``/``@app.callback(...)`` or registered as
  ``app.command("name")(function)``): they are the ``--help`` texts,
  translated when the command tree is built (``cli/click_i18n.py``);
* field names that ``validate`` puts into its errors through ``_(field)``
  (``validate.text(value, "phone number")``).

``extract`` keeps every translation; a reworded message gets the old
translation marked ``#, fuzzy`` for review; messages gone from the code stay as
obsolete ``#~`` entries. Fuzzy and empty entries are left out of the ``.mo``
(English shows), and ``check`` (and ``tests/test_i18n.py``) fail on them, on a
translation that breaks the ``{placeholders}``, and on a stale ``.mo``.
Locations carry no line numbers, so the catalog does not churn on every edit.

The same with pybabel, from the repository root:

    PYTHONPATH=scripts pybabel extract -F babel.cfg --add-location=file -o /tmp/campaign.pot .
    pybabel update -i /tmp/campaign.pot -D campaign -d campaign_cli/locale -l vi --no-wrap --ignore-pot-creation-date
    pybabel compile -D campaign -d campaign_cli/locale -l vi
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "campaign_cli"
CONFIG = ROOT / "babel.cfg"
DOMAIN = "campaign"
LANGUAGES = ("vi",)
#: Calls whose ``field`` argument (keyword, or positional at this index) is a message:
#: the field names that ``validate`` puts into its errors through ``_(field)``.
FIELD_ARGUMENTS = {("validate", "text"): 1, ("validate", "quantity"): 1, (None, "clean_user_text"): None}
COMMAND_DECORATORS = {"command", "callback"}
FIELD_COMMENT = "a field name"
HELP_COMMENT = "help text of a command"
HEADER_COMMENT = (
    "# Vietnamese messages of campaign (msgids are English).\n"
    "# Made by  python scripts/i18n.py extract  (Babel); translate the msgstr lines."
)


def po_path(lang: str) -> Path:
    return PACKAGE / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return PACKAGE / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


# -- the extractor for what Babel's Python extractor cannot see -----------------------------
def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_command_decorator(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in COMMAND_DECORATORS


def _field_argument(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        key = (func.value.id, func.attr)
    elif isinstance(func, ast.Name):
        key = (None, func.id)
    else:
        return None
    if key not in FIELD_ARGUMENTS:
        return None
    for keyword in node.keywords:
        if keyword.arg == "field":
            return _literal(keyword.value)
    index = FIELD_ARGUMENTS[key]
    if index is not None and len(node.args) > index:
        return _literal(node.args[index])
    return None


def registered_commands(cli_folder: Path) -> set[str]:
    """Functions registered as commands with ``app.command("name")(function)``, in any module of ``cli/``."""
    names: set[str] = set()
    for path in sorted(cli_folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Call) and _is_command_decorator(node.func) and node.args:
                target = node.args[0]
                if isinstance(target, ast.Name):
                    names.add(target.id)
                elif isinstance(target, ast.Attribute):  # report_app.command("final")(doc.report_final)
                    names.add(target.attr)
    return names


_REGISTERED: dict[Path, set[str]] = {}


def extra_messages(source: str, path: Path) -> list[tuple[int, str, str]]:
    """(line, text, comment) of the field names and, in ``cli/``, the command help texts of a module."""
    tree = ast.parse(source, filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (text := _field_argument(node)):
            found.append((node.lineno, text, FIELD_COMMENT))
    if path.parent.name == "cli" and path.parent.parent.name == "campaign_cli":
        folder = path.parent.resolve()
        registered = _REGISTERED.setdefault(folder, registered_commands(folder))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                node.name in registered or any(_is_command_decorator(d) for d in node.decorator_list)
            ):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    found.append((node.lineno, doc, HELP_COMMENT))
    return found


def extract_campaign(fileobj, keywords, comment_tags, options):
    """Babel extraction method: Babel's Python extractor, plus help texts and field names."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    fileobj.seek(0)
    found = list(extract_python(fileobj, keywords, comment_tags, options))
    text = source.decode(options.get("encoding", "utf-8")) if isinstance(source, bytes) else source
    for line, message, comment in extra_messages(text, Path(getattr(fileobj, "name", "<source>"))):
        found.append((line, None, message, [comment]))
    return sorted(found, key=lambda item: item[0])


# -- catalogs ----------------------------------------------------------------------------------
def template():
    """The catalog of every message in the code (a POT, in memory), in order of appearance."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    if str(Path(__file__).resolve().parent) not in sys.path:
        sys.path.insert(0, str(Path(__file__).resolve().parent))  # babel.cfg names i18n:extract_campaign
    with CONFIG.open(encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj, str(CONFIG))

    def only_the_package(dirpath: str) -> bool:
        relative = Path(dirpath).resolve().relative_to(ROOT).parts
        return not relative or relative[0] == PACKAGE.name

    catalog = Catalog(domain=DOMAIN, charset="utf-8")
    extracted = extract_from_dir(
        str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS, directory_filter=only_the_package
    )
    for filename, _line, message, comments, context in extracted:
        catalog.add(message, None, [(Path(filename).as_posix(), None)], auto_comments=comments, context=context)
    return catalog


def read_catalog(lang: str):
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as fileobj:
        return read_po(fileobj, locale=lang, domain=DOMAIN)


def write_catalog(catalog, path: Path) -> None:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, include_lineno=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def compiled(catalog) -> bytes:
    """The ``.mo`` of a catalog, as Babel compiles it (fuzzy and empty entries left out)."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def messages(catalog) -> list:
    """The live messages of a catalog, without the header."""
    return [message for message in catalog if message.id]


def key(message) -> tuple[str | None, str]:
    """(context, msgid) of a message; a plural message by its singular."""
    return (message.context, message.id[0] if isinstance(message.id, (list, tuple)) else message.id)


def texts(value) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def translated(message) -> bool:
    return not message.fuzzy and all(texts(message.string)) and bool(texts(message.string))


# -- checks ------------------------------------------------------------------------------------
def _fields(text: str) -> set[str]:
    """``{name}``-style placeholders of a message, as written (``{n}``, ``{query!r}``)."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return set()
    found = set()
    for _literal_text, name, spec, conversion in parsed:
        if name is not None:
            found.add("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return found


def placeholder_problem(message) -> str | None:
    """Why the translation would break ``.format(...)``, or None."""
    ids = texts(message.id)
    expected = set().union(*(_fields(text) for text in ids))
    needed = _fields(ids[-1])  # the plural has every placeholder the count needs
    if not expected:
        return None
    for text in texts(message.string):
        if not text:
            continue
        try:
            list(string.Formatter().parse(text))
        except ValueError as exc:
            return f"the translation is not a valid format string ({exc})"
        got = _fields(text)
        if not got <= expected:
            return "the translation has placeholders the message lacks: " + ", ".join(sorted(got - expected))
        if not needed <= got:
            return "the translation lacks placeholders: " + ", ".join(sorted(needed - got))
    return None


@dataclass
class Report:
    untranslated: list = field(default_factory=list)
    fuzzy: list = field(default_factory=list)
    not_in_catalog: list = field(default_factory=list)
    placeholders: list[tuple] = field(default_factory=list)
    stale_mo: bool = False

    @property
    def ok(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.not_in_catalog or self.placeholders or self.stale_mo)


def check(lang: str = "vi", code=None) -> Report:
    """What is wrong with the catalog of ``lang`` against the code (``code``: a template, default extracted)."""
    catalog = read_catalog(lang)
    report = Report()
    known = {key(message): message for message in messages(catalog)}
    for message in messages(code if code is not None else template()):
        entry = known.get(key(message))
        if entry is None or texts(entry.id) != texts(message.id):
            report.not_in_catalog.append(message)
        elif entry.fuzzy:
            report.fuzzy.append(entry)
        elif not translated(entry):
            report.untranslated.append(entry)
    for entry in known.values():
        problem = placeholder_problem(entry)
        if problem:
            report.placeholders.append((entry, problem))
    mo = mo_path(lang)
    report.stale_mo = not mo.exists() or mo.read_bytes() != compiled(catalog)
    return report


def update(catalog, code) -> None:
    """``catalog`` brought up to ``code``: translations kept, rewordings fuzzy, gone messages obsolete."""
    catalog.update(code, update_creation_date=False)
    version = re.search(r'__version__ = "([^"]+)"', (PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    catalog.project, catalog.version = "campaign-cli", version.group(1) if version else ""
    catalog.language_team = "Vietnamese"
    catalog.last_translator = "campaign maintainers"
    catalog.msgid_bugs_address = ""
    catalog.header_comment = HEADER_COMMENT
    if not isinstance(catalog.revision_date, dt.datetime):  # still the template's placeholder
        catalog.revision_date = catalog.creation_date


# -- commands ----------------------------------------------------------------------------------
def cmd_extract() -> int:
    code = template()
    for lang in LANGUAGES:
        path = po_path(lang)
        if path.exists():
            catalog = read_catalog(lang)
        else:
            from babel.messages.catalog import Catalog

            catalog = Catalog(locale=lang, domain=DOMAIN, charset="utf-8")
        update(catalog, code)
        write_catalog(catalog, path)
        live = messages(catalog)
        todo = sum(1 for message in live if not translated(message))
        fuzzy = sum(1 for message in live if message.fuzzy)
        print(
            f"{path.relative_to(ROOT)}: {len(live)} messages, {todo} to translate ({fuzzy} fuzzy), "
            f"{len(catalog.obsolete)} obsolete"
        )
    return 0


def cmd_compile() -> int:
    for lang in LANGUAGES:
        catalog = read_catalog(lang)
        problems = [(message, problem) for message in messages(catalog) if (problem := placeholder_problem(message))]
        for message, problem in problems:
            print(f"{lang}: {key(message)[1]!r}: {problem}", file=sys.stderr)
        if problems:
            return 1
        mo_path(lang).write_bytes(compiled(catalog))
        done = sum(1 for message in messages(catalog) if translated(message))
        print(f"{mo_path(lang).relative_to(ROOT)}: {done} translations")
    return 0


def cmd_check() -> int:
    status = 0
    for lang in LANGUAGES:
        report = check(lang)
        for message in report.not_in_catalog:
            print(f"{lang}: not in the catalog (run extract): {key(message)[1]!r}")
        for message in report.untranslated:
            print(f"{lang}: untranslated: {key(message)[1]!r}")
        for message in report.fuzzy:
            print(f"{lang}: fuzzy (review, then remove the flag): {key(message)[1]!r}")
        for message, problem in report.placeholders:
            print(f"{lang}: {key(message)[1]!r}: {problem}")
        if report.stale_mo:
            print(f"{lang}: {mo_path(lang).relative_to(ROOT)} is out of date: run  python scripts/i18n.py compile")
        if not report.ok:
            status = 1
    if status == 0:
        print("catalogs complete and compiled")
    return status


COMMANDS = {"extract": cmd_extract, "compile": cmd_compile, "check": cmd_check}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in COMMANDS:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        import babel  # noqa: F401
    except ImportError:
        print("scripts/i18n.py needs Babel: pip install -e '.[test]'", file=sys.stderr)
        return 1
    return COMMANDS[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
