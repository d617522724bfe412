#!/usr/bin/env python3
"""Message catalogs of ``campaign``: extract, compile, check. Standard library only.

    python scripts/i18n.py extract   # code -> campaign_cli/locale/vi/LC_MESSAGES/campaign.po
    python scripts/i18n.py compile   # .po -> .mo (shipped in the package; commit it)
    python scripts/i18n.py check     # what is untranslated, fuzzy, broken or stale; exit 1 if anything

What is extracted from ``campaign_cli/**/*.py``:

* string literals in ``_("...")``, ``gettext("...")``, ``N_("...")`` (marks a
  string translated later, e.g. a field name passed to ``_(field)``) and
  ``ngettext("singular", "plural", n)``, also as ``i18n._(...)``;
* the docstrings of typer commands in ``campaign_cli/cli/`` (functions decorated
  with ``@app.command(...)``/``@app.callback(...)`` or registered as
  ``app.command("name")(function)``): they are the commands' ``--help`` text,
  translated when the command tree is built (``cli/click_i18n.py``).

``extract`` keeps every existing translation. A message that is new gets an
empty translation, or, when an old message of nearly the same text existed,
that old translation marked ``#, fuzzy`` for review. Messages no longer in the
code stay at the end as obsolete ``#~`` entries, so a reworded message can get
its old translation back. Fuzzy and empty entries are left out of the ``.mo``
(English shows), and ``check`` (and ``tests/test_i18n.py``) fail on them.

Locations are written without line numbers (``#: campaign_cli/cli/task.py``)
so the catalog does not churn on every edit.
"""

from __future__ import annotations

import ast
import difflib
import string
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "campaign_cli"
DOMAIN = "campaign"
LANGUAGES = ("vi",)
GETTEXT_NAMES = {"_", "gettext", "N_"}
NGETTEXT_NAMES = {"ngettext"}
PGETTEXT_NAMES = {"pgettext", "NP_"}  # pgettext("role", "Member"): the same English word, another translation
#: Calls whose ``field`` argument (keyword, or positional at this index) is a message:
#: the field names that ``validate`` puts into its errors through ``_(field)``.
FIELD_ARGUMENTS = {("validate", "text"): 1, ("validate", "quantity"): 1, (None, "clean_user_text"): None}
COMMAND_DECORATORS = {"command", "callback"}

HEADERS = {
    "vi": {
        "Project-Id-Version": "campaign-cli",
        "Language": "vi",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
}
TITLE = {"vi": "Vietnamese messages of campaign (msgids are English)."}


def po_path(lang: str) -> Path:
    return PACKAGE / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return PACKAGE / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


# -- messages ---------------------------------------------------------------------------
@dataclass
class Message:
    msgid: str
    plural: str | None = None
    locations: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # "#." extracted comments
    context: str | None = None

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.context, self.msgid, self.plural)


@dataclass
class Entry:
    msgid: str
    plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    locations: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # "#." lines
    translator_comments: list[str] = field(default_factory=list)  # "# " lines
    flags: list[str] = field(default_factory=list)
    obsolete: bool = False
    context: str | None = None

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.context, self.msgid, self.plural)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return not self.fuzzy and all(self.msgstr) and bool(self.msgstr)


# -- extraction ------------------------------------------------------------------------------
def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "i18n":
        return func.attr
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


def registered_commands(package: Path = PACKAGE) -> set[str]:
    """Names of functions registered as commands with ``app.command("name")(function)``, in any module."""
    names: set[str] = set()
    for path in sorted((package / "cli").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Call) and _is_command_decorator(node.func) and node.args:
                target = node.args[0]
                if isinstance(target, ast.Name):
                    names.add(target.id)
                elif isinstance(target, ast.Attribute):  # report_app.command("final")(doc.report_final)
                    names.add(target.attr)
    return names


def extract_file(path: Path, relative: str, registered: set[str] | None = None) -> list[Message]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, Message]] = []
    registered = set(registered or ())
    functions: dict[str, ast.FunctionDef] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in GETTEXT_NAMES and node.args:
                text = _literal(node.args[0])
                if text:
                    found.append((node.lineno, Message(text, locations=[relative])))
            elif name in PGETTEXT_NAMES and len(node.args) >= 2:
                context, text = _literal(node.args[0]), _literal(node.args[1])
                if context and text:
                    found.append((node.lineno, Message(text, locations=[relative], context=context)))
            elif name in NGETTEXT_NAMES and len(node.args) >= 2:
                singular, plural = _literal(node.args[0]), _literal(node.args[1])
                if singular and plural:
                    found.append((node.lineno, Message(singular, plural, locations=[relative])))
            field_text = _field_argument(node)
            if field_text:
                found.append((node.lineno, Message(field_text, locations=[relative], comments=["a field name"])))
            # app.command("init")(init)
            if _is_command_decorator(node.func) and node.args and isinstance(node.args[0], ast.Name):
                registered.add(node.args[0].id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions[node.name] = node
    if relative.startswith("campaign_cli/cli/"):
        for name, node in functions.items():
            if name in registered or any(_is_command_decorator(d) for d in node.decorator_list):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    message = Message(doc, locations=[relative], comments=["help text of a command"])
                    found.append((node.lineno, message))
    return [message for _, message in sorted(found, key=lambda item: item[0])]


def extract(package: Path = PACKAGE) -> list[Message]:
    """Every message of the code, in order of first appearance (files sorted)."""
    messages: dict[tuple[str | None, str, str | None], Message] = {}
    registered = registered_commands(package)
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package.parent).as_posix()
        for message in extract_file(path, relative, registered):
            known = messages.get(message.key)
            if known is None:
                messages[message.key] = message
                continue
            for location in message.locations:
                if location not in known.locations:
                    known.locations.append(location)
            for comment in message.comments:
                if comment not in known.comments:
                    known.comments.append(comment)
    return list(messages.values())


# -- .po reading and writing ---------------------------------------------------------------
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted PO string: {text!r}")
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _quote(text: str) -> str:
    return (
        '"'
        + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
        + '"'
    )


def _po_string(keyword: str, text: str, prefix: str = "") -> list[str]:
    """``msgid "..."``; a text with inner line breaks as one quoted line per line."""
    if "\n" not in text[:-1]:
        return [f"{prefix}{keyword} {_quote(text)}"]
    lines = [f'{prefix}{keyword} ""']
    parts = text.split("\n")
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if last and not part:
            break
        lines.append(prefix + _quote(part if last else part + "\n"))
    return lines


def read_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """(header fields, entries) of a .po file; the header entry is not in the list."""
    entries: list[Entry] = []
    current = Entry("")
    started = False
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(""), False, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            if started:
                finish()
            continue
        if line.startswith("#") and not obsolete:
            if started and target is not None and current.msgstr != [""]:
                finish()
            if line.startswith("#:"):
                current.locations.extend(line[2:].split())
            elif line.startswith("#,"):
                current.flags.extend(flag.strip() for flag in line[2:].split(",") if flag.strip())
            elif line.startswith("#."):
                current.comments.append(line[2:].strip())
            elif line.startswith("#|"):
                pass  # previous msgid: not kept
            else:
                current.translator_comments.append(line[1:].strip())
            continue
        if line.startswith("msgctxt"):
            if started:
                finish()
            current.context = _unquote(line[len("msgctxt") :])
            current.obsolete = obsolete
            target = ("context", 0)
            continue
        if line.startswith("msgid_plural"):
            current.plural = _unquote(line[len("msgid_plural") :])
            target = ("plural", 0)
        elif line.startswith("msgid"):
            if started and target is not None and target[0] not in ("msgid", "context"):
                finish()
            started = True
            current.obsolete = obsolete
            current.msgid = _unquote(line[len("msgid") :])
            target = ("msgid", 0)
        elif line.startswith("msgstr["):
            index = int(line[len("msgstr[") : line.index("]")])
            while len(current.msgstr) <= index:
                current.msgstr.append("")
            current.msgstr[index] = _unquote(line[line.index("]") + 1 :])
            target = ("msgstr", index)
        elif line.startswith("msgstr"):
            current.msgstr = [_unquote(line[len("msgstr") :])]
            target = ("msgstr", 0)
        elif line.startswith('"') and target is not None:
            text = _unquote(line)
            kind, index = target
            if kind == "context":
                current.context = (current.context or "") + text
            elif kind == "msgid":
                current.msgid += text
            elif kind == "plural":
                current.plural = (current.plural or "") + text
            else:
                current.msgstr[index] += text
        else:
            raise ValueError(f"{path}: cannot read the line {raw!r}")
    finish()
    header: dict[str, str] = {}
    body = []
    for entry in entries:
        if entry.msgid == "" and entry.plural is None and entry.context is None and not entry.obsolete:
            for item in entry.msgstr[0].splitlines():
                if ":" in item:
                    name, value = item.split(":", 1)
                    header[name.strip()] = value.strip()
        else:
            body.append(entry)
    return header, body


def write_po(path: Path, lang: str, header: dict[str, str], entries: list[Entry]) -> None:
    lines = [f"# {TITLE.get(lang, lang)}", "# Made by scripts/i18n.py extract; translate the msgstr lines.", 'msgid ""']
    fields = {**HEADERS.get(lang, {}), **{k: v for k, v in header.items() if k not in HEADERS.get(lang, {})}}
    lines.append('msgstr ""')
    for name, value in fields.items():
        lines.append(_quote(f"{name}: {value}\n"))
    lines.append("")
    for entry in entries:
        prefix = "#~ " if entry.obsolete else ""
        for comment in entry.translator_comments:
            lines.append(f"# {comment}".rstrip())
        for comment in entry.comments:
            lines.append(f"#. {comment}")
        if entry.locations and not entry.obsolete:
            lines.append("#: " + " ".join(entry.locations))
        flags = [flag for flag in entry.flags if flag != "python-brace-format"]
        if _fields(entry.msgid) or (entry.plural and _fields(entry.plural)):
            flags.append("python-brace-format")
        if flags:
            lines.append("#, " + ", ".join(flags))
        if entry.context is not None:
            lines.extend(_po_string("msgctxt", entry.context, prefix))
        lines.extend(_po_string("msgid", entry.msgid, prefix))
        if entry.plural is not None:
            lines.extend(_po_string("msgid_plural", entry.plural, prefix))
            for index, text in enumerate(entry.msgstr):
                lines.extend(_po_string(f"msgstr[{index}]", text, prefix))
        else:
            lines.extend(_po_string("msgstr", entry.msgstr[0], prefix))
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


def merge(messages: list[Message], entries: list[Entry], nplurals: int = 1) -> list[Entry]:
    """The catalog for ``messages``: old translations kept, new messages added, gone ones obsolete."""
    old = {entry.key: entry for entry in entries}
    used: set[tuple[str | None, str, str | None]] = set()
    result: list[Entry] = []
    candidates = [entry for entry in entries if entry.translated or entry.fuzzy]
    for message in messages:
        known = old.get(message.key)
        if known is not None:
            used.add(known.key)
            entry = Entry(
                message.msgid,
                message.plural,
                msgstr=list(known.msgstr),
                locations=list(message.locations),
                comments=list(message.comments),
                translator_comments=list(known.translator_comments),
                flags=[flag for flag in known.flags if flag != "python-brace-format"],
                context=message.context,
            )
        else:
            size = nplurals if message.plural is not None else 1
            entry = Entry(
                message.msgid,
                message.plural,
                msgstr=[""] * size,
                locations=list(message.locations),
                comments=list(message.comments),
                context=message.context,
            )
            similar = _most_similar(message, candidates)
            if similar is not None:
                entry.msgstr = (list(similar.msgstr) + [""] * size)[:size]
                entry.flags.append("fuzzy")
        result.append(entry)
    for entry in entries:
        if entry.key not in used and (entry.translated or entry.fuzzy) and any(entry.msgstr):
            entry.obsolete = True
            entry.locations = []
            result.append(entry)
    return result


def _most_similar(message: Message, candidates: list[Entry]) -> Entry | None:
    best, best_ratio = None, 0.0
    for entry in candidates:
        if (entry.plural is None) != (message.plural is None):
            continue
        if abs(len(entry.msgid) - len(message.msgid)) > max(len(message.msgid) // 3, 8):
            continue
        matcher = difflib.SequenceMatcher(None, entry.msgid, message.msgid, autojunk=False)
        if matcher.real_quick_ratio() < 0.85 or matcher.quick_ratio() < 0.85:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = entry, ratio
    return best if best_ratio >= 0.85 else None


# -- .mo -------------------------------------------------------------------------------------
def mo_bytes(header: dict[str, str], entries: list[Entry], lang: str) -> bytes:
    """GNU .mo of the translated entries (fuzzy, empty and obsolete ones left out); deterministic."""
    fields = {**HEADERS.get(lang, {}), **{k: v for k, v in header.items() if k not in HEADERS.get(lang, {})}}
    catalog: dict[bytes, bytes] = {b"": "".join(f"{k}: {v}\n" for k, v in fields.items()).encode("utf-8")}
    for entry in entries:
        if entry.obsolete or not entry.translated:
            continue
        if entry.plural is not None:
            key = f"{entry.msgid}\0{entry.plural}"
            value = "\0".join(entry.msgstr)
        else:
            key, value = entry.msgid, entry.msgstr[0]
        if entry.context is not None:
            key = f"{entry.context}\x04{key}"
        catalog[key.encode("utf-8")] = value.encode("utf-8")
    keys = sorted(catalog)
    count = len(keys)
    originals_offset = 7 * 4
    translations_offset = originals_offset + count * 8
    data_offset = translations_offset + count * 8
    originals, translations, blob = [], [], b""
    for key in keys:
        originals.append((len(key), data_offset + len(blob)))
        blob += key + b"\0"
    for key in keys:
        value = catalog[key]
        translations.append((len(value), data_offset + len(blob)))
        blob += value + b"\0"
    output = struct.pack("<7I", 0x950412DE, 0, count, originals_offset, translations_offset, 0, data_offset)
    output += b"".join(struct.pack("<2I", *pair) for pair in originals)
    output += b"".join(struct.pack("<2I", *pair) for pair in translations)
    return output + blob


# -- checks ----------------------------------------------------------------------------------
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


def placeholder_problem(entry: Entry) -> str | None:
    """Why the translation would break ``.format(...)``, or None."""
    expected = _fields(entry.msgid) | (_fields(entry.plural) if entry.plural else set())
    needed = _fields(entry.plural) if entry.plural else _fields(entry.msgid)
    if not expected:
        return None
    for text in entry.msgstr:
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
    untranslated: list[Entry] = field(default_factory=list)
    fuzzy: list[Entry] = field(default_factory=list)
    not_in_catalog: list[Message] = field(default_factory=list)
    placeholders: list[tuple[Entry, str]] = field(default_factory=list)
    stale_mo: bool = False

    @property
    def ok(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.not_in_catalog or self.placeholders or self.stale_mo)


def check(lang: str = "vi") -> Report:
    header, entries = read_po(po_path(lang))
    report = Report()
    known = {entry.key: entry for entry in entries if not entry.obsolete}
    for message in extract():
        entry = known.get(message.key)
        if entry is None:
            report.not_in_catalog.append(message)
        elif entry.fuzzy:
            report.fuzzy.append(entry)
        elif not entry.translated:
            report.untranslated.append(entry)
    for entry in known.values():
        problem = placeholder_problem(entry)
        if problem:
            report.placeholders.append((entry, problem))
    mo = mo_path(lang)
    report.stale_mo = not mo.exists() or mo.read_bytes() != mo_bytes(header, entries, lang)
    return report


# -- commands --------------------------------------------------------------------------------
def cmd_extract() -> int:
    messages = extract()
    for lang in LANGUAGES:
        path = po_path(lang)
        header, entries = read_po(path) if path.exists() else ({}, [])
        merged = merge(messages, entries)
        write_po(path, lang, header, merged)
        live = [entry for entry in merged if not entry.obsolete]
        todo = sum(1 for entry in live if not entry.translated)
        fuzzy = sum(1 for entry in live if entry.fuzzy)
        obsolete = len(merged) - len(live)
        print(
            f"{path.relative_to(ROOT)}: {len(live)} messages, {todo} to translate ({fuzzy} fuzzy), {obsolete} obsolete"
        )
    return 0


def cmd_compile() -> int:
    for lang in LANGUAGES:
        header, entries = read_po(po_path(lang))
        problems = [
            (entry, problem) for entry in entries if not entry.obsolete and (problem := placeholder_problem(entry))
        ]
        for entry, problem in problems:
            print(f"{lang}: {entry.msgid!r}: {problem}", file=sys.stderr)
        if problems:
            return 1
        data = mo_bytes(header, entries, lang)
        mo_path(lang).write_bytes(data)
        done = sum(1 for entry in entries if entry.translated and not entry.obsolete)
        print(f"{mo_path(lang).relative_to(ROOT)}: {done} translations")
    return 0


def cmd_check() -> int:
    status = 0
    for lang in LANGUAGES:
        report = check(lang)
        for message in report.not_in_catalog:
            print(f"{lang}: not in the catalog (run extract): {message.msgid!r}")
        for entry in report.untranslated:
            print(f"{lang}: untranslated: {entry.msgid!r}")
        for entry in report.fuzzy:
            print(f"{lang}: fuzzy (review, then remove the flag): {entry.msgid!r}")
        for entry, problem in report.placeholders:
            print(f"{lang}: {entry.msgid!r}: {problem}")
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
    return COMMANDS[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
