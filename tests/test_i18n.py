"""Vietnamese first: the catalog is complete and compiled, the whole CLI speaks Vietnamese
(messages, tables, errors, --help), numbers and dates read the Vietnamese way, and shell
completion finds names typed without diacritics.

The Vietnamese runs go through ``python -m campaign_cli --lang vi`` in a subprocess, as a
user's would: the language is chosen before the command tree is built, so help texts are
translated too (the in-process ``cli`` fixture is English).
"""

from __future__ import annotations

import gettext
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from campaign_cli import i18n
from campaign_cli.formatting import format_number

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "15/4/2021"


def load_tool():
    """scripts/i18n.py as a module (it is a script, not part of the package)."""
    name = "campaign_i18n_tool"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# Session scope: computed once per pytest-xdist worker, however the tests are interleaved.
@pytest.fixture(scope="session")
def tool():
    return load_tool()


@pytest.fixture(scope="session")
def extracted(tool, once_per_run):
    """Every message of the code, as Babel extracts it (a few seconds: once per run)."""
    from babel.messages.pofile import read_po, write_po

    def extract() -> str:
        buffer = io.BytesIO()
        write_po(buffer, tool.template(), width=0)
        return buffer.getvalue().decode("utf-8")

    return read_po(io.StringIO(once_per_run("extracted-messages", extract)))


@pytest.fixture(scope="session")
def catalog(tool, extracted):
    return tool.check("vi", code=extracted)


def run(*args: str, env: dict | None = None, base: dict | None = None) -> subprocess.CompletedProcess:
    """``campaign ARGS`` in a new process, with the test's environment (its own database)."""
    return subprocess.run(
        [sys.executable, "-m", "campaign_cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**(os.environ if base is None else base), "PYTHONIOENCODING": "utf-8", **(env or {})},
        timeout=120,
    )


def vi(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return run("--lang", "vi", "--as-of", AS_OF, *args, **kwargs)


# -- the catalog -----------------------------------------------------------------------------
def _listing(tool, items) -> str:
    return "\n".join(f"  {tool.key(item)[1]!r}" for item in items[:30])


def test_every_message_of_the_code_is_in_the_catalog(catalog, tool):
    assert not catalog.not_in_catalog, (
        "messages missing from campaign.po (run  python scripts/i18n.py extract, then translate):\n"
        + _listing(tool, catalog.not_in_catalog)
    )


def test_every_message_has_a_vietnamese_translation(catalog, tool):
    assert not catalog.untranslated, "untranslated in campaign.po:\n" + _listing(tool, catalog.untranslated)
    assert not catalog.fuzzy, "fuzzy (review, then remove the flag) in campaign.po:\n" + _listing(tool, catalog.fuzzy)


def test_translations_keep_the_placeholders(catalog, tool):
    problems = [f"  {tool.key(entry)[1]!r}: {problem}" for entry, problem in catalog.placeholders]
    assert not problems, "placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


def test_the_compiled_catalog_is_what_babel_compiles(catalog):
    assert not catalog.stale_mo, (
        "campaign.mo is not what Babel compiles from campaign.po: run  python scripts/i18n.py compile"
    )


def test_extraction_sees_every_kind_of_message(tool, extracted):
    found = {tool.key(message): message for message in tool.messages(extracted)}
    assert (None, "Chair") in found  # _()
    assert found[(None, "{n} log entry")].id == ("{n} log entry", "{n} log entries")  # ngettext
    assert ("role", "Member") in found  # pgettext
    assert ("status", "todo") in found  # NP_ in cli/labels.py, translated later with pgettext
    help_text = found[(None, "Add a task to a phase.")]  # a command's docstring: its --help
    assert help_text.auto_comments == ["help text of a command"]
    assert found[(None, "phone number")].auto_comments == ["a field name"]  # validate.text(..., "phone number")
    assert (None, "April") in found  # N_()
    assert (None, "Show this message and exit.") in found  # typer's own, listed in click_i18n
    assert all(line is None for message in found.values() for _path, line in message.locations)


def test_extracted_help_texts_are_the_cleaned_docstrings(tool, tmp_path: Path):
    module = tmp_path / "campaign_cli" / "cli" / "demo.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "@app.command('x')\n"
        "def shown(ctx):\n"
        '    """First line.\n\n    Second paragraph, indented in the source.\n    """\n'
        "def helper():\n"
        '    """Not a command: not a message."""\n'
        "def later():\n"
        '    """Registered below."""\n'
        "app.command('later')(later)\n"
        "validate.text(value, 'email address')\n"
        "clean_user_text(value, field='note')\n",
        encoding="utf-8",
    )
    found = tool.extra_messages(module.read_text(encoding="utf-8"), module)
    assert [(text, comment) for _line, text, comment in found] == [
        ("email address", "a field name"),
        ("note", "a field name"),
        ("First line.\n\nSecond paragraph, indented in the source.", "help text of a command"),
        ("Registered below.", "help text of a command"),
    ]


def test_placeholder_check_catches_broken_translations(tool):
    from babel.messages.catalog import Message

    blocked = "Task {id} blocked: {reason}"
    assert "{ma}" in tool.placeholder_problem(Message(blocked, "Nhiệm vụ {ma} vướng mắc: {reason}"))
    assert "{id}" in tool.placeholder_problem(Message(blocked, "Nhiệm vụ vướng mắc: {reason}"))
    assert "not a valid format string" in tool.placeholder_problem(Message("Task {id}", "Nhiệm vụ {id"))
    assert tool.placeholder_problem(Message("Task {id}", "Nhiệm vụ số {id}")) is None
    plural = Message(("{n} member", "{n} members"), ("thành viên",))
    assert "{n}" in tool.placeholder_problem(plural)
    assert tool.placeholder_problem(Message(("one member", "{n} members"), ("{n} thành viên",))) is None


def test_extract_keeps_translations_and_marks_rewordings_fuzzy(tool, tmp_path: Path):
    from babel.messages.catalog import Catalog

    old = Catalog(locale="vi", domain="campaign")
    old.add("Removed phase {number}.", "Đã xóa đợt {number}.")
    old.add("Removed unit {name}.", "Đã xóa đơn vị {name}.")
    old.add("Gone for good", "Đã bỏ")
    code = Catalog(domain="campaign")
    code.add("Removed phase {number}.", locations=[("campaign_cli/cli/phase.py", None)])
    code.add("Removed the unit {name}.", locations=[("campaign_cli/cli/unit.py", None)])
    code.add("Brand new", locations=[("campaign_cli/cli/unit.py", None)])
    tool.update(old, code)
    kept, reworded, new = tool.messages(old)
    assert (kept.string, kept.fuzzy) == ("Đã xóa đợt {number}.", False)
    assert (reworded.id, reworded.string, reworded.fuzzy) == ("Removed the unit {name}.", "Đã xóa đơn vị {name}.", True)
    assert (new.id, new.string or "") == ("Brand new", "")
    assert [message.id for message in old.obsolete.values()] == ["Gone for good"]
    path = tmp_path / "x.po"
    tool.write_catalog(old, path)
    text = path.read_text(encoding="utf-8")
    assert '#~ msgid "Gone for good"' in text and "#: campaign_cli/cli/unit.py\n" in text  # no line numbers
    assert "Plural-Forms: nplurals=1; plural=0;" in text


def test_compiled_catalog_loads_with_plurals_and_contexts(tool):
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="vi", domain="campaign")
    catalog.add(("{n} member", "{n} members"), ("{n} thành viên",))
    catalog.add("Member", "Ủy viên", context="role")
    catalog.add("Member", "Thành viên")
    catalog.add("Multi\nline", "Nhiều\ndòng")
    catalog.add("Not yet", "")
    catalog.add("Unsure", "Chưa chắc", flags=["fuzzy"])
    compiled = gettext.GNUTranslations(io.BytesIO(tool.compiled(catalog)))
    assert compiled.ngettext("{n} member", "{n} members", 5) == "{n} thành viên"
    assert compiled.pgettext("role", "Member") == "Ủy viên"
    assert compiled.gettext("Member") == "Thành viên"
    assert compiled.gettext("Multi\nline") == "Nhiều\ndòng"
    assert compiled.gettext("Not yet") == "Not yet"
    assert compiled.gettext("Unsure") == "Unsure"


def test_the_shipped_catalog_is_used():
    i18n.set_language("vi")
    try:
        assert i18n._("Chair") == "Trưởng Tiểu ban"
        assert i18n.pgettext("role", "Member") == "Ủy viên"
        assert i18n._("Member") == "Thành viên"
        assert i18n.ngettext("{n} member", "{n} members", 2).format(n=2) == "2 thành viên"
    finally:
        i18n.set_language("en")
    assert i18n._("Chair") == "Chair"


def test_the_catalog_is_package_data():
    """hatch ships every file under campaign_cli/ in the wheel: the .mo sits there, next to its .po."""
    package = ROOT / "campaign_cli" / "locale" / "vi" / "LC_MESSAGES"
    assert (package / "campaign.mo").is_file() and (package / "campaign.po").is_file()
    assert Path(i18n.__file__).with_name("locale") == package.parents[1]


# -- choosing the language -------------------------------------------------------------------
@pytest.mark.slow
def test_language_order(cli, monkeypatch: pytest.MonkeyPatch, backend):
    """--lang, else CAMPAIGN_LANG, else the campaign's own setting, else the locale."""
    monkeypatch.delenv("CAMPAIGN_LANG")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert run("init", "--sample").returncode == 0  # the sample campaign says lang = "vi"
    assert "Trưởng Tiểu ban" in run("member", "list").stdout  # the campaign beats the locale
    assert "Chair" in run("member", "list", env={"CAMPAIGN_LANG": "en"}).stdout
    assert "Chair" in run("--lang", "en", "member", "list").stdout
    assert "Trưởng Tiểu ban" in run("--lang", "vi", "member", "list", env={"CAMPAIGN_LANG": "en"}).stdout
    # help and usage errors, printed before a command opens the database, follow the campaign too
    # (an SQLite file is looked at first; a PostgreSQL server is asked only once the command connects)
    assert ("Cách dùng" if backend == "sqlite" else "Usage") in run("member", "--help").stdout
    assert "Usage" in run("member", "--help", env={"CAMPAIGN_LANG": "en"}).stdout
    assert "Usage" in run("--lang", "en", "member", "--help").stdout


def test_a_new_campaign_keeps_the_language_it_was_made_in(cli, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("CAMPAIGN_LANG")
    made = run("init", "Thử", "--election-day", "15/3/2026", env={"LANG": "vi_VN.UTF-8"})
    assert made.returncode == 0 and "Đã tạo chiến dịch" in made.stderr
    assert "Bắt đầu" in run("phase", "list", env={"LANG": "C.UTF-8"}).stdout


def test_an_unknown_language_is_a_usage_error(cli):
    result = cli("--lang", "fr", "phase", "list")
    assert result.exit_code == 2 and "use vi or en" in result.stderr


# -- the whole CLI in each language --------------------------------------------------------------
SCENARIO = [
    ("status",),
    ("task", "list"),
    ("task", "list", "--overdue"),
    ("task", "show", "12"),
    ("member", "list"),
    ("member", "show", "hung"),
    ("unit", "list"),
    ("phase", "list"),
    ("type", "list"),
    ("log", "list", "--limit", "15"),
    ("report", "weekly"),
    ("report", "phase", "1"),
    ("report", "member", "duc"),
    ("info",),
    ("task", "add", "Treo băng rôn", "--phase", "1", "--due", "20/4/2021", "--lead", "vh&tt", "--type", "bang ron"),
    ("task", "start", "29"),
    ("task", "block", "29", "--reason", "chờ kinh phí"),
    ("log", "add", "--type", "to roi", "--qty", "2098", "--by", "duc", "--task", "13"),
    ("task", "done", "12"),
    ("history", "--limit", "5"),
    ("undo",),
]
ERRORS = [
    (1, ("task", "show", "999")),
    (1, ("member", "show", "khong-co-ai")),
    (1, ("log", "add", "--type", "poster", "--date", "31/4/2021")),
    (1, ("task", "add", "X", "--phase", "1", "--due", "1/6/2021")),
    (1, ("task", "list", "--member", "huong")),  # two Hương: ambiguous
    (2, ("task", "list", "--bogus")),
    (2, ("task", "add")),
    (2, ("task", "lst")),
    (2, ("task", "list", "--status", "finished")),
]
#: Words of the English interface that must not show in Vietnamese output (the sample's
#: own text is Vietnamese; activity type codes such as "poster" are data and may show).
ENGLISH = [
    "Phase",
    "Phases",
    "Task",
    "Tasks",
    "Member",
    "Members",
    "Unit",
    "Units",
    "Status",
    "Progress",
    "Overdue",
    "overdue",
    "Due",
    "Lead",
    "Support",
    "Date",
    "Quantity",
    "Activity",
    "Error",
    "Usage",
    "Week",
    "Weekly",
    "done",
    "todo",
    "blocked",
    "cancelled",
    "in progress",
    "to do",
    "Chair",
    "Secretary",
    "Name",
    "Role",
    "Title",
    "Total",
    "Nothing",
    "entries",
    "entry",
    "Logged",
    "Showing",
    "as of",
    "days",
    "election",
    "Added",
    "Updated",
    "Started",
    "Try",
    "Missing",
    "No such",
    "Invalid",
    "matches",
    "not a valid",
    "Database",
    "Schema",
    "Options",
    "Commands",
    "required",
]


def _english_words(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]


def _english_pieces(tool) -> list[str]:
    """Pieces of the catalog's English messages (between placeholders, 3+ words) that the translation changes."""
    pieces = set()
    for entry in tool.messages(tool.read_catalog("vi")):
        translations = [" ".join((text or "").split()) for text in tool.texts(entry.string)]
        for text in tool.texts(entry.id):
            for piece in re.split(r"\{[^{}]*\}", text):
                piece = " ".join(piece.split())
                if len(piece.split()) >= 3 and not any(piece in translation for translation in translations):
                    pieces.add(piece)
    return sorted(pieces)


def _leftover_messages(pieces: list[str], text: str) -> list[str]:
    """English messages that show verbatim: a message left untranslated somewhere."""
    flat = " ".join(text.split())
    return [piece for piece in pieces if piece in flat]


def _without_quoted(text: str) -> str:
    """Values the user typed or must type ('finished', 'todo') are quoted in errors, and commands
    (``task done 12`` in history) are what the user typed: not interface words."""
    text = re.sub(r"\btask\s+(done|start|block|cancel|reopen)\b", "", text)
    return re.sub(r"'[^'\n]*'", "''", text)


#: Runs many ``campaign`` commands, one after another, each in a process of its own as a
#: user's shell would, but forked from one that has loaded the third-party libraries once:
#: each child is a new ``campaign`` process (the entry point chooses the language, then
#: builds the command tree) without paying Python's and typer's start-up every time.
_BATCH_SCRIPT = """
import json, os, sys, tempfile, traceback
import typer, typer.main, rich.console, rich.table, rich.text  # noqa: what every command loads

results = []
for args in json.load(sys.stdin):
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            code = 1
            try:
                sys.argv = ["campaign", *args]
                from campaign_cli.cli.main import main

                main()
                code = 0
            except SystemExit as exc:
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        results.append([os.waitstatus_to_exitcode(status), out.read().decode(), err.read().decode()])
json.dump(results, sys.stdout)
"""


def run_many(commands: list[tuple[str, ...]], env: dict) -> list[subprocess.CompletedProcess]:
    """``campaign ARGS`` for each of ``commands`` in turn, each in its own (forked) process."""
    batch = subprocess.run(
        [sys.executable, "-c", _BATCH_SCRIPT],
        input=json.dumps([list(args) for args in commands]),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**env, "PYTHONIOENCODING": "utf-8"},
        timeout=300,
    )
    assert batch.returncode == 0, batch.stderr
    return [
        subprocess.CompletedProcess(["campaign", *args], code, out, err)
        for args, (code, out, err) in zip(commands, json.loads(batch.stdout), strict=True)
    ]


@pytest.fixture(scope="session")
def vietnamese_run(tmp_path_factory, once_per_run):
    """The scenario in Vietnamese, each command a process of its own: [(args, result)], once per run."""
    runs = json.loads(once_per_run("vietnamese-run", lambda: json.dumps(_vietnamese_run(tmp_path_factory))))
    return [(tuple(args), subprocess.CompletedProcess(["campaign", *args], *result)) for args, result in runs]


def _vietnamese_run(tmp_path_factory) -> list:
    folder = tmp_path_factory.mktemp("vi")
    # session scope: set up before the per-test environment, so the user's settings are dropped here
    base = {name: value for name, value in os.environ.items() if not name.startswith(("CAMPAIGN_", "LC_"))}
    env = {
        "CAMPAIGN_DB": str(folder / "campaign.db"),
        "CAMPAIGN_USER": "tester",
        "HOME": str(folder / "home"),
        "LANG": "C.UTF-8",
        "COLUMNS": "200",
        "NO_COLOR": "1",
    }
    commands = [("init", "--sample"), *SCENARIO, *(args for _, args in ERRORS)]
    results = run_many([("--lang", "vi", "--as-of", AS_OF, *args) for args in commands], {**base, **env})
    return [
        [args, [result.returncode, result.stdout, result.stderr]]
        for args, result in zip(commands, results, strict=True)
    ]


@pytest.mark.slow
def test_the_cli_in_vietnamese_works(vietnamese_run):
    for args, result in vietnamese_run[: 1 + len(SCENARIO)]:
        assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stderr}"
    for (code, args), (_, result) in zip(ERRORS, vietnamese_run[1 + len(SCENARIO) :], strict=True):
        assert result.returncode == code, f"{args}: exit {result.returncode}\n{result.stderr}"
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("Lỗi: "), (args, result.stderr)


@pytest.mark.slow
def test_no_english_in_the_vietnamese_cli(vietnamese_run, tool):
    pieces = _english_pieces(tool)
    leaks = {}
    for args, result in vietnamese_run:
        text = _without_quoted(result.stdout + result.stderr)
        words = _english_words(text) + _leftover_messages(pieces, text)
        if words:
            leaks[" ".join(args)] = words
    assert not leaks, "English in Vietnamese output:\n" + "\n".join(f"  {k}: {v}" for k, v in leaks.items())


@pytest.mark.slow
def test_vietnamese_output_reads_the_vietnamese_way(vietnamese_run):
    out = {" ".join(args): result for args, result in vietnamese_run}
    status = out["status"].stdout
    assert status.startswith("Còn 38 ngày đến ngày bầu cử 23/05/2021")  # the countdown first
    assert "Đợt 1" in status and "chậm tiến độ" in status and "quá hạn" in status
    tasks = out["task list"].stdout
    for word in ("Nhiệm vụ", "Chủ trì", "Hạn", "Trạng thái", "Tiến độ", "đang thực hiện", "hoàn thành", "vướng mắc"):
        assert word in tasks
    assert "10/04/2021" in tasks  # dd/mm/yyyy
    logged = out["log add --type to roi --qty 2098 --by duc --task 13"].stderr
    assert "2.098 tờ rơi (leaflet)" in logged and "15/04/2021" in logged
    assert "Báo cáo tuần" in out["report weekly"].stdout
    assert "Phó Trưởng Tiểu ban" in out["member list"].stdout and "Thư ký" in out["member list"].stdout
    assert "Lỗi: không có nhiệm vụ mã 999" in out["task show 999"].stderr
    assert "không có ngày 31 tháng 4" in out["log add --type poster --date 31/4/2021"].stderr


def test_the_cli_in_english_stays_english(sample):
    vietnamese_ui = ["Trạng thái", "Tiến độ", "Quá hạn", "Lỗi:", "Chủ trì", "Số lượng", "đang thực hiện", "Cách dùng"]
    for args in SCENARIO[:14]:
        result = sample("--as-of", AS_OF, *args, ok=True)
        text = result.stdout + result.stderr
        assert not [word for word in vietnamese_ui if word in text], args
    assert "38 days to election day 23/05/2021" in sample("--as-of", AS_OF, "status", ok=True).stdout
    assert "Error: no task with id 999" in sample("task", "show", "999").stderr


# -- --help in Vietnamese ----------------------------------------------------------------------------
_HELP_SCRIPT = """
import json, sys
from campaign_cli.cli.state import choose_language
choose_language(["--lang", "vi"])
from campaign_cli.cli.app import app
import typer.main
from typer.testing import CliRunner

root = typer.main.get_command(app)
paths = []
def walk(command, path):
    paths.append(path)
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        walk(sub, path + [name])
walk(root, [])
runner = CliRunner()
args = lambda path: ["--lang", "vi", *path, "--help"]
out = {" ".join(path): runner.invoke(app, args(path), prog_name="campaign").output for path in paths}
json.dump(out, sys.stdout, ensure_ascii=False)
"""


def _english_help_texts() -> dict[str, list[str]]:
    """Every help text of the command tree, in English: command path -> texts."""
    import typer.main

    from campaign_cli.cli.app import app

    texts: dict[str, list[str]] = {}

    def walk(command, path):
        found = [command.help or ""] + [getattr(param, "help", None) or "" for param in command.params]
        texts[" ".join(path)] = [" ".join(text.split()) for text in found if text.strip()]
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return texts


@pytest.mark.slow
def test_help_of_every_command_is_vietnamese():
    result = subprocess.run(
        [sys.executable, "-c", _HELP_SCRIPT],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, "COLUMNS": "100", "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 0, result.stderr
    helps = json.loads(result.stdout)
    english = _english_help_texts()
    assert set(helps) == set(english) and len(helps) > 40
    typer_words = [
        "Usage:",
        "Options:",
        "Arguments:",
        "Commands:",
        "Show this message",
        "[required]",
        "env var",
        "default:",
        "Install completion",
    ]
    left: dict[str, list[str]] = {}
    for path, text in helps.items():
        flat = " ".join(text.split())
        assert flat.startswith("Cách dùng: campaign"), (path, text[:200])
        untranslated = [help_text for help_text in english[path] if help_text in flat]
        untranslated += [word for word in typer_words if word in flat]
        if untranslated:
            left[path or "(root)"] = untranslated
    assert not left, "English help left:\n" + "\n".join(f"  {k}: {v}" for k, v in left.items())


# -- numbers -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "vi_text", "en_text"),
    [
        (2098, "2.098", "2,098"),
        (1234.5, "1.234,5", "1,234.5"),
        (40, "40", "40"),
        (1_000_000, "1.000.000", "1,000,000"),
        (2.0, "2", "2"),
        (0.25, "0,25", "0.25"),
    ],
)
def test_numbers_read_the_way_each_language_writes_them(value, vi_text, en_text):
    assert format_number(value, "vi") == vi_text
    assert format_number(value, "en") == en_text


def test_machine_formats_keep_numbers_plain(sample):
    sample("--as-of", AS_OF, "log", "add", "--type", "leaflet", "--qty", "2098", "--note", "x", ok=True)
    sample("--as-of", AS_OF, "log", "add", "--type", "poster", "--qty", "1234.5", ok=True)
    entries = sample.json("--lang", "vi", "--as-of", AS_OF, "log", "list", "--limit", "2")
    assert sorted(entry["quantity"] for entry in entries) == [1234.5, 2098]
    csv_text = sample("--lang", "vi", "--as-of", AS_OF, "log", "list", "--limit", "2", "--format", "csv").stdout
    assert ",2098," in csv_text and ",1234.5," in csv_text and "2.098" not in csv_text
    table = sample("--lang", "vi", "--as-of", AS_OF, "log", "list", "--limit", "2", ok=True).stdout
    assert "2.098" in table and "1.234,5" in table
    assert "2,098" in sample("--lang", "en", "--as-of", AS_OF, "log", "list", "--limit", "2", ok=True).stdout


# -- shell completion -------------------------------------------------------------------------------
def complete(words: str, shell: str = "bash", env: dict | None = None) -> list[str]:
    """What the shell would be offered for the last word of ``words`` (bash: one value a line).

    ``words`` as typed; the last word may start with a quote and hold spaces (``'nguyen m``).
    """
    head, quote, tail = words.partition("'")
    parts = re.split(r"(?<!\\) ", head)
    if quote:
        parts[-1] = quote + tail
    if shell == "bash":
        extra = {"COMP_WORDS": " ".join(parts), "COMP_CWORD": str(len(parts) - 1)}
        extra["_CAMPAIGN_COMPLETE"] = "complete_bash"
    else:
        extra = {"_TYPER_COMPLETE_ARGS": words, "_CAMPAIGN_COMPLETE": f"complete_{shell}"}
    result = run(env={**extra, **(env or {})})
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line] if shell == "bash" else [result.stdout]


@pytest.fixture
def completion_db(sample):
    if os.environ.get("CAMPAIGN_DB", "").startswith("postgres"):
        pytest.skip("completion is exercised on the SQLite file")
    return sample


def test_completion_finds_members_without_diacritics(completion_db):
    offered = complete("campaign task list --member hu")
    assert "Nguyễn\\ Mạnh\\ Hùng" in offered  # escaped for bash: one argument
    assert "Hoàng\\ Thu\\ Hương" in offered and "Nguyễn\\ Thị\\ Hương" in offered
    assert all("Hùng" in value or "Hương" in value for value in offered)
    assert complete("campaign member show duc") == ["Trần\\ Minh\\ Đức"]
    assert complete("campaign member show 'nguyen m") == ["Nguyễn\\ Mạnh\\ Hùng"]
    assert complete("campaign member show Nguyễn\\ M") == ["Nguyễn\\ Mạnh\\ Hùng"]


def test_completion_of_units_parties_phases_tasks_and_types(completion_db):
    assert "poster" in complete("campaign log add --type ap")
    assert complete("campaign task add X --type phat") == ["broadcast"]
    assert "Phòng\\ Văn\\ hóa\\ và\\ Thông\\ tin\\ huyện" in complete("campaign unit edit vh")
    assert complete("campaign task add X --lead duc") == ["Trần\\ Minh\\ Đức"]
    assert complete("campaign task list --phase ") == ["1", "2", "3"]
    assert complete("campaign task show 1")[:3] == ["1", "10", "11"]


def test_zsh_completion_is_not_filtered_by_prefix(completion_db):
    (script,) = complete("campaign member show hu", shell="zsh")
    assert script.startswith("compadd -U ") and "'Nguyễn Mạnh Hùng'" in script


def test_completion_without_a_database_offers_nothing_and_creates_nothing(cli, tmp_path: Path):
    missing = tmp_path / "none.db"
    assert complete("campaign member show hu", env={"CAMPAIGN_DB": str(missing)}) == []
    assert not missing.exists()


def test_completion_module_stays_light():
    code = (
        "import sys, campaign_cli.cli.complete, campaign_cli.cli.app;"
        "print(any(name.split('.')[0] in ('sqlmodel', 'sqlalchemy', 'rich') for name in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_root_app_offers_completion_install(cli):
    out = cli("--help").stdout
    assert "--install-completion" in out and "--show-completion" in out
