"""Time `campaign` against Taskwarrior on the same data, and `campaign` against its targets.

    python benchmarks/run.py                 # full run: 10k tasks; 10k, 100k and 1M log entries
    python benchmarks/run.py --quick         # smoke run on small data (about a minute)
    python benchmarks/run.py --runs 11 --sizes 10000,100000 --json

Every measured command is a fresh process, timed from spawn to exit, with its
peak memory (maximum resident set size from ``wait4``). All commands are run
in interleaved passes: each pass runs every benchmark once, the two tools of a
pair back to back and in alternating order, so a noisy stretch of the machine
hits both tools alike. One warm-up pass is not counted. Reported: the median
of ``--runs`` passes. See ``benchmarks/README.md`` for what each pair measures.

A command that fails is reported with its exit code and first line of error
and is not run again; the rest of the run goes on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


AS_OF = "15/4/2021"  # inside phase 1 of the generated campaign (election day 23/5/2021)
#: `log import` runs as of a day after the generated file's last row (27/6/2021): nothing is logged in the future.
IMPORT_AS_OF = "1/7/2021"
AS_OF_DATE = dt.date(2021, 4, 15)
TW_FLAGS = ("rc.confirmation=off", "rc.verbose=nothing")
HELP_RATIO = 12.0
IMPORT_SECONDS = 3.0
#: Issue 14's targets: campaign / Taskwarrior, on 10,000 tasks and 100,000 entries.
STATUS_RATIO = 1.5  # status vs task summary
WEEKLY_RATIO = 2.0  # report weekly vs task summary
ADD_RATIO = 2.5  # log add vs task add
LIST_RATIO = 1.0  # task list --limit 25 vs task list limit:25
#: ... and at every size of the scaling curve (up to 1,000,000 entries).
SCALE_MS = 500.0
SCALE_MB = 150.0
#: The commands of the scaling curve (table and JSON: the difference is the rendering).
SCALED = {
    "status": ("status",),
    "status json": ("status", "--format", "json"),
    "weekly": ("report", "weekly"),
    "weekly json": ("report", "weekly", "--format", "json"),
}
#: The groups of benchmarks --only can pick (others may add theirs); a run without --only runs DEFAULT_GROUPS.
GROUPS = ("pairs", "scaling", "lists", "coverage", "shared")
#: ``shared`` (issue 17, ``benchmarks/shared.py``) needs a PostgreSQL server: only when asked for.
DEFAULT_GROUPS = ("pairs", "scaling", "lists", "coverage")
#: Linear-growth check: noise allowed on a step (the larger of an absolute and a relative
#: amount: passes on this kind of machine differ by up to 1.5x), and the factor on the per-row slope.
LINEAR_SLACK_MS = 50.0
LINEAR_SLACK_SHARE = 0.2
LINEAR_FACTOR = 2.0


# --------------------------------------------------------------------------- running one command
#: Peak memory of a child is read by GNU time when present. ``wait4``'s own
#: ru_maxrss is not enough: Linux carries the parent's (this runner's) peak RSS
#: into a forked child at exec, so every command would show at least the
#: runner's size. GNU time is small, so the process it forks starts clean.
#: It adds about 1 ms to every command of both tools alike.
TIME_BINARY = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


@dataclass
class Command:
    """One thing to time: argv + environment; ``before`` runs untimed before each run."""

    label: str
    argv: list[str]
    env: dict[str, str]
    before: Callable[[], None] | None = None
    expect_output: bool = True  # exit 0 with a usage text on stdout counts as a failure
    times: list[float] = field(default_factory=list)  # ms
    rss: list[float] = field(default_factory=list)  # MB
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times and not self.error else None

    @property
    def peak_mb(self) -> float | None:
        return max(self.rss) if self.rss and not self.error else None

    def run(self, scratch: Path, record: bool = True) -> None:
        if self.error:
            return
        if self.before:
            self.before()
        out_path, err_path, rss_path = scratch / "stdout", scratch / "stderr", scratch / "maxrss"
        argv = self.argv
        if TIME_BINARY:
            argv = [TIME_BINARY, "-f", "%M", "-o", str(rss_path), *argv]
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            started = time.perf_counter()
            try:
                process = subprocess.Popen(argv, env=self.env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
            except OSError as exc:
                self.error = f"cannot start: {exc}"
                return
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = (time.perf_counter() - started) * 1000
            process.returncode = os.waitstatus_to_exitcode(status)
        peak_kib = usage.ru_maxrss
        if TIME_BINARY:
            try:
                peak_kib = int(rss_path.read_text().split()[-1])
            except (OSError, ValueError, IndexError):
                peak_kib = usage.ru_maxrss
        if process.returncode != 0:
            self.error = f"exit {process.returncode}: {first_error_line(err_path)}"
            return
        if self.expect_output and self.argv[-1] != "--help":
            head = out_path.read_bytes()[:200]
            if head.startswith(b"Usage:"):
                self.error = "printed its usage instead of running (command not written yet?)"
                return
        if record:
            self.times.append(elapsed)
            self.rss.append(peak_kib / 1024)

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "argv": self.argv,
            "median_ms": self.median,
            "times_ms": self.times,
            "peak_mb": self.peak_mb,
            "error": self.error,
        }


def first_error_line(path: Path) -> str:
    """The line that says what went wrong: an ``Error:`` line, a traceback's last line, else the first."""
    lines = [line.strip(" │╭╰─") for line in path.read_text(errors="replace").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return "(no message)"
    for line in reversed(lines):
        if line.startswith(("Error", "error")):
            return line[:200]
    if lines[0].startswith("Traceback"):
        return lines[-1][:200]
    return lines[0][:200]


@dataclass
class Pair:
    """`campaign` (a) against a reference (b), with an optional target."""

    name: str
    a: Command
    b: Command | None
    target: str = "-"  # text shown in the table
    check: Callable[[Pair], bool | None] | None = None  # None: no target
    skipped: str | None = None  # why b was not run

    def ratio(self) -> float | None:
        if self.b is None or self.a.median is None or self.b.median is None or self.b.median == 0:
            return None
        return self.a.median / self.b.median

    def verdict(self) -> str:
        if self.a.error:
            return "ERROR"
        if self.check is None:
            return "info"
        result = self.check(self)
        if result is None:
            return "n/a"
        return "PASS" if result else "FAIL"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "target": self.target,
            "verdict": self.verdict(),
            "ratio": self.ratio(),
            "campaign": self.a.as_dict(),
            "reference": self.b.as_dict() if self.b else None,
            "skipped": self.skipped,
        }

    def commands(self) -> list[Command]:
        return [command for command in (self.a, self.b) if command is not None]


# --------------------------------------------------------------------------- environment
def campaign_argv() -> list[str]:
    script = Path(sys.executable).parent / "campaign"
    if script.exists():
        return [str(script)]
    found = shutil.which("campaign")
    if found:
        return [found]
    return [sys.executable, "-m", "campaign_cli"]


def find_taskwarrior(install: bool) -> tuple[str | None, str]:
    found = shutil.which("task")
    if found:
        return found, version_of([found, "--version"])
    if not install:
        return None, "Taskwarrior (`task`) is not installed and --no-install was given"
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("Taskwarrior not found: trying  apt-get update && apt-get install -y taskwarrior ...", flush=True)
        for argv in (["apt-get", "update"], ["apt-get", "install", "-y", "taskwarrior"]):
            result = subprocess.run(
                argv,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            )
            if result.returncode != 0:
                tail = (result.stderr.strip().splitlines() or [""])[-1]
                return None, f"Taskwarrior could not be installed ({' '.join(argv)}: {tail})"
        found = shutil.which("task")
        if found:
            return found, version_of([found, "--version"])
    return None, "Taskwarrior (`task`) is not installed and cannot be installed here (no apt-get or not root)"


def version_of(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
    except Exception:  # noqa: BLE001 - informational only
        return "?"


def base_env(tz: str | None) -> dict[str, str]:
    """The environment both tools get: the caller's, with TZ set or removed, no colours."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CAMPAIGN_", "TASK")) and key != "TZ"}
    if tz is not None:
        env["TZ"] = tz
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # both tools as installed: cached bytecode allowed
    env.update({"NO_COLOR": "1", "COLUMNS": "80"})  # the terminal most users have
    return env


# --------------------------------------------------------------------------- data
class Store:
    """Where the benchmark databases live: SQLite files in the work dir, or one PostgreSQL database."""

    def __init__(self, workdir: Path, url: str | None):
        self.workdir = workdir
        self.url = url
        self.postgres = bool(url and url.startswith(("postgres", "postgresql")))
        self.current: int | None = None  # PostgreSQL holds one size at a time

    def path(self, logs: int, tasks: int, prefix: str = "") -> Path:
        return self.workdir / f"{prefix}campaign-{tasks}t-{logs}l.db"

    def build(
        self, tasks: int, logs: int, *, seed: int, extra: Sequence[str] = (), prefix: str = ""
    ) -> tuple[str, float]:
        """Generate this size; returns the database URL and the seconds the generator took.

        The generator runs as its own process: this runner stays small (it
        imports neither SQLModel nor the data), so forking the measured
        commands from it costs little.
        """
        target = ["--db-url", self.url] if self.postgres else ["--db", str(self.path(logs, tasks, prefix))]
        argv = [
            sys.executable,
            str(HERE / "generate.py"),
            "--tasks",
            str(tasks),
            "--logs",
            str(logs),
            "--seed",
            str(seed),
            "--force",
            *target,
            *extra,
        ]
        result = subprocess.run(argv, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"generate.py failed: {result.stderr.strip()[-800:]}")
        match = re.search(r" in ([0-9.]+) s", result.stdout)
        url = self.url if self.postgres else str(self.path(logs, tasks, prefix))
        return url, float(match.group(1)) if match else 0.0


def copy_sqlite(source: str, target: Path) -> None:
    """A consistent copy of an SQLite database (checkpointed: no -wal needed)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)


class PostgresRollback:
    """Undo a write benchmark on PostgreSQL: delete rows above the ids seen before it."""

    TABLES = ("change", "changeset", "activity")

    def __init__(self, url: str):
        self.url = url
        self.marks: dict[str, int] = {}

    def mark(self) -> None:
        from campaign_cli.storage.db import Database

        db = Database(self.url)
        try:
            self.marks = {table: int(db.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {table}")) for table in self.TABLES}
        finally:
            db.close()

    def restore(self) -> None:
        from campaign_cli.storage.db import Database

        db = Database(self.url)
        try:
            for table in self.TABLES:
                db.execute(f"DELETE FROM {table} WHERE id > ?", (self.marks[table],))
        finally:
            db.close()


# --------------------------------------------------------------------------- Taskwarrior
class Taskwarrior:
    """A private TASKRC/TASKDATA with the generated tasks imported once."""

    def __init__(self, binary: str, root: Path):
        self.binary = binary
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def rc(self, name: str) -> Path:
        data = self.root / name
        data.mkdir(parents=True, exist_ok=True)
        rc = self.root / f"{name}.taskrc"
        rc.write_text(f"data.location={data}\nnews.version=2.6.2\n", encoding="utf-8")
        return rc

    def env(self, name: str, tz: str | None) -> dict[str, str]:
        rc = self.root / f"{name}.taskrc"
        return {**base_env(tz), "TASKRC": str(rc), "TASKDATA": str(self.root / name)}

    def argv(self, *args: str) -> list[str]:
        return [self.binary, *TW_FLAGS, *args]

    def load(self, name: str, json_path: Path) -> None:
        self.rc(name)
        result = subprocess.run(
            self.argv("import", str(json_path)),
            env=self.env(name, "UTC"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"task import failed: {result.stderr.strip()[:300]}")

    def copy(self, source: str, name: str) -> None:
        shutil.rmtree(self.root / name, ignore_errors=True)
        shutil.copytree(self.root / source, self.root / name)
        self.rc(name)

    def empty(self, name: str) -> None:
        shutil.rmtree(self.root / name, ignore_errors=True)
        self.rc(name)


# --------------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class Source:
    """Where a benchmark database comes from, and the shape of its data."""

    name: str
    how: str  # shown under the table
    members: int
    linked_share: float
    target_share: float
    seed_offset: int = 0
    imported: bool = False  # built through `campaign export` + `campaign import`, as users get it

    def generator_args(self) -> list[str]:
        return [
            "--members", str(self.members), "--linked-share", str(self.linked_share),
            "--target-share", str(self.target_share),
        ]  # fmt: skip


SOURCES = {
    "generated": Source(
        "generated", "benchmarks/generate.py straight into the database: 50 members, 10 units, "
        "75% of entries linked to a task, 80% of tasks with a target", 50, 0.75, 0.8),
    "imported": Source(
        "imported", "`campaign import` of a generated export document (the product's own bulk path): 40 members, "
        "10 units, 75% of entries linked to a task, 95% of tasks with a target (issue 14's shape)",
        40, 0.75, 0.95, seed_offset=7, imported=True),
}  # fmt: skip


@dataclass
class Versus:
    """One `campaign` command against the same Taskwarrior command on the lean and the rich copy."""

    name: str
    source: str
    a: Command
    refs: dict[str, Command | None]  # "lean" / "rich"
    limit: float | None  # target ratio, or None (information only)

    def ratio(self, copy: str) -> float | None:
        ref = self.refs.get(copy)
        if ref is None or self.a.median is None or ref.median is None or ref.median == 0:
            return None
        return self.a.median / ref.median

    def verdict(self, copy: str) -> str:
        if self.a.error:
            return "ERROR"
        if self.limit is None:
            return "info"
        ratio = self.ratio(copy)
        if ratio is None:
            return "n/a"
        return "PASS" if ratio <= self.limit else "FAIL"

    def commands(self) -> list[Command]:
        return [self.a, *(ref for ref in self.refs.values() if ref is not None)]


def build_benchmarks(
    args: argparse.Namespace, workdir: Path, store: Store, tw: Taskwarrior | None, tw_reason: str
) -> tuple[list[Versus], list[Pair], list[tuple[int, dict[str, Pair]]], dict[str, Any]]:
    """Generate the data; return (Taskwarrior pairs, other pairs, scaling rows, facts)."""
    campaign = campaign_argv()
    facts: dict[str, Any] = {"generate_seconds": {}, "sources": {}}
    sizes = sorted(set(args.sizes))
    base_logs = args.logs

    def campaign_cmd(
        label: str, url: str, *words: str, tz: str | None = None, before=None, day: str = AS_OF
    ) -> Command:
        env = {**base_env(tz), "CAMPAIGN_DB": url, "CAMPAIGN_USER": "benchmark", "CAMPAIGN_LANG": args.lang}
        as_of = [] if words[-1] == "--help" else ["--as-of", day]
        return Command(label, [*campaign, *as_of, *words], env, before)

    versus: list[Versus] = []
    others: list[Pair] = []
    urls: dict[str, str] = {}
    csv_path = workdir / "logs.csv"
    sources = [SOURCES[name] for name in args.sources]
    if store.postgres and any(source.imported for source in sources):
        print("NOTE: on PostgreSQL only the generated source is measured (one database at a time).", flush=True)
        sources = [source for source in sources if not source.imported]
    for source in sources:
        print(f"[{source.name}] generating {args.tasks:,} tasks + {base_logs:,} log entries ...", flush=True)
        tw_json = {copy: workdir / f"tasks-{source.name}-{copy}.json" for copy in ("lean", "rich")}
        # Taskwarrior's today is the real one: its copies are shifted so that the as-of date falls on today.
        extra = [
            *source.generator_args(),
            "--taskwarrior-json", str(tw_json["rich"]), "--taskwarrior-lean-json", str(tw_json["lean"]),
            "--taskwarrior-as-of", AS_OF_DATE.isoformat(),
        ]  # fmt: skip
        if source.name == "generated":
            extra += ["--csv", str(csv_path), "--csv-rows", str(args.import_rows)]
        name = f"{source.name}-" if source.imported else ""
        url, seconds = store.build(args.tasks, base_logs, seed=args.seed + source.seed_offset, extra=extra,
                                   prefix=name)  # fmt: skip
        facts["generate_seconds"][f"{source.name} {args.tasks}t/{base_logs}l"] = round(seconds, 2)
        if source.imported:
            url, seconds, peak = import_through_campaign(url, workdir / "imported.db", workdir, campaign, args.lang)
            facts["sources"][source.name] = {"campaign import seconds": round(seconds, 2), "import peak MB": peak}
            print(f"  campaign export + import: import {seconds:.1f} s, {peak:.0f} MB", flush=True)
        else:
            print(f"  {seconds:.1f} s", flush=True)
        urls[source.name] = url
        if tw is not None:
            for copy, path in tw_json.items():
                started = time.perf_counter()
                tw.load(f"{source.name}-{copy}", path)
                facts.setdefault("taskwarrior_import_once_s", {})[f"{source.name} {copy}"] = round(
                    time.perf_counter() - started, 2
                )
                tw.copy(f"{source.name}-{copy}", f"{source.name}-{copy}-add")

        def refs(label: str, *words: str, add: bool = False, source: Source = source) -> dict[str, Command | None]:
            if tw is None:
                return {"lean": None, "rich": None}
            return {
                copy: Command(f"{label} [{copy}]", tw.argv(*words),
                              tw.env(f"{source.name}-{copy}{'-add' if add else ''}", None))
                for copy in ("lean", "rich")
            }  # fmt: skip

        def vs(
            title: str, limit: float | None, ref: dict, *words: str, url: str = url, source: Source = source
        ) -> None:
            label = f"campaign {' '.join(words)} [{source.name}]"
            versus.append(Versus(title, source.name, campaign_cmd(label, url, *words), ref, limit))

        vs("status", STATUS_RATIO, refs("task summary", "summary"), "status")
        vs("status --format json", STATUS_RATIO, refs("task summary", "summary"), "status", "--format", "json")
        vs("report weekly", WEEKLY_RATIO, refs("task summary", "summary"), "report", "weekly")
        vs("report weekly --format json", WEEKLY_RATIO, refs("task summary", "summary"),
           "report", "weekly", "--format", "json")  # fmt: skip
        vs("task list --limit 25", LIST_RATIO, refs("task list limit:25", "list", "limit:25"),
           "task", "list", "--limit", "25")  # fmt: skip
        # log add: on a copy, so repeated adds never touch the data the others read.
        if store.postgres:
            add_url = url
        else:
            add_path = workdir / f"add-{source.name}.db"
            copy_sqlite(url, add_path)
            add_url = str(add_path)
        vs("log add", ADD_RATIO, refs("task add foo", "add", "foo", add=True),
           "log", "add", "--type", "poster", "--qty", "3", url=add_url)  # fmt: skip

    base_url = urls.get("generated") or next(iter(urls.values()))
    if tw is not None and "generated" in urls:
        for tz_label, tz in (("TZ unset", None), ("TZ=UTC", "UTC")):
            others.append(
                Pair(
                    f"burndown ({tz_label})",
                    campaign_cmd(f"campaign report burndown [{tz_label}]", base_url, "report", "burndown", tz=tz),
                    Command(f"task burndown.daily [{tz_label}, rich]", tw.argv("burndown.daily"),
                            tw.env("generated-rich", tz)),
                )
            )  # fmt: skip

    def help_check(pair: Pair) -> bool | None:
        ratio = pair.ratio()
        return None if ratio is None else ratio <= HELP_RATIO

    for words in (("--help",), ("task", "add", "--help")):
        python = Command("python3 -c pass", [sys.executable, "-c", "pass"], base_env(None))
        label = " ".join(words)
        others.append(
            Pair(label, campaign_cmd(f"campaign {label}", base_url, *words), python, f"<= {HELP_RATIO:g}x", help_check)
        )

    # log import: a fresh copy of the 10k/100k database before every run (untimed).
    if store.postgres:
        rollback = PostgresRollback(base_url)
        rollback.mark()
        import_url, import_before = base_url, rollback.restore
    else:
        import_path = workdir / "import.db"
        import_url = str(import_path)

        def import_before() -> None:
            copy_sqlite(base_url, import_path)

    def import_check(pair: Pair) -> bool | None:
        return None if pair.a.median is None else pair.a.median < IMPORT_SECONDS * 1000

    tw_import = None
    if tw is not None:
        tw_import = Command(
            f"task import ({args.tasks:,} tasks, rich)",
            tw.argv("import", str(workdir / "tasks-generated-rich.json")),
            tw.env("import", None),
            before=lambda: tw.empty("import"),
        )
    if "generated" in urls:
        others.append(
            Pair(
                f"log import {args.import_rows:,} rows",
                campaign_cmd(f"campaign log import ({args.import_rows:,} rows)", import_url, "log", "import",
                             str(csv_path), before=import_before, day=IMPORT_AS_OF),
                tw_import,
                f"< {IMPORT_SECONDS:g} s",
                import_check,
            )
        )  # fmt: skip
    if tw is None:
        for pair in others:
            if pair.b is None:
                pair.skipped = tw_reason

    # --- scaling -------------------------------------------------------------------------------
    scaling: list[tuple[int, dict[str, Pair]]] = []

    def scale_check(pair: Pair) -> bool | None:
        if pair.a.median is None:
            return None
        return pair.a.median < SCALE_MS and (pair.a.peak_mb or 0) < SCALE_MB

    for logs in sizes:
        if store.postgres and logs != base_logs:
            url = None  # one PostgreSQL database holds one size: measured in their own block
        elif logs == base_logs and "generated" in urls:
            url = urls["generated"]
        else:
            print(f"generating {args.tasks:,} tasks + {logs:,} log entries ...", flush=True)
            url, seconds = store.build(args.tasks, logs, seed=args.seed)
            print(f"  {seconds:.1f} s", flush=True)
            facts["generate_seconds"][f"generated {args.tasks}t/{logs}l"] = round(seconds, 2)
        row = {}
        for key, words in SCALED.items():
            row[key] = Pair(
                f"{key} @ {logs:,}",
                campaign_cmd(f"campaign {' '.join(words)} [{logs:,} logs]", url or "", *words),
                None,
                f"< {SCALE_MS:g} ms, < {SCALE_MB:g} MB",
                scale_check,
            )
        scaling.append((logs, row))
    return versus, others, scaling, facts


def import_through_campaign(
    generated: str, target: Path, workdir: Path, campaign: list[str], lang: str
) -> tuple[str, float, float]:
    """Export the generated campaign with `campaign export`, import it into ``target`` with `campaign import`.

    Returns the new database, the seconds and the peak MB of the import.
    """
    document = workdir / "export.json"
    env = {**base_env(None), "CAMPAIGN_LANG": lang, "CAMPAIGN_USER": "benchmark"}
    exported = subprocess.run([*campaign, "--db", generated, "export", str(document)], env=env,
                              capture_output=True, text=True)  # fmt: skip
    if exported.returncode != 0:
        raise RuntimeError(f"campaign export failed: {exported.stderr.strip()[-400:]}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    command = Command("campaign import", [*campaign, "--db", str(target), "import", str(document)], env)
    command.run(workdir / "scratch")
    if command.error:
        raise RuntimeError(f"campaign import failed: {command.error}")
    checkpoint(str(target))
    return str(target), command.times[0] / 1000, command.rss[0]


def checkpoint(path: str) -> None:
    """Fold the write-ahead log into the file, so that a plain copy of the file is the whole database."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def run_passes(
    commands: Sequence[Sequence[Command]], runs: int, scratch: Path, *, label: str = "", max_load: float | None = None,
    loads: list[float] | None = None,
) -> None:
    """Interleaved passes: every group once per pass, alternating the order inside a group.

    With ``max_load``, a pass waits (up to 10 minutes) until the one-minute
    load average is below it: other people's work on a shared machine slows
    both tools, but not always alike. The load at the start of every pass is
    appended to ``loads``.
    """
    total = runs + 1
    for index in range(total):
        warmup = index == 0
        load = wait_for_quiet(max_load)
        if loads is not None and not warmup:
            loads.append(load)
        started = time.perf_counter()
        for group in commands:
            ordered = list(group) if index % 2 == 0 else list(reversed(group))
            for command in ordered:
                command.run(scratch, record=not warmup)
        what = "warm-up" if warmup else f"pass {index}/{runs}"
        print(f"  {label}{what}: {time.perf_counter() - started:.1f} s (load {load:.1f})", flush=True)


def wait_for_quiet(max_load: float | None, patience: float = 600.0) -> float:
    """The one-minute load average, after waiting for it to fall below ``max_load`` (if given)."""
    load = os.getloadavg()[0]
    if max_load is None:
        return load
    waited = 0.0
    while load > max_load and waited < patience:
        if waited == 0:
            print(f"  load {load:.1f} > {max_load:g}: waiting for a quieter moment ...", flush=True)
        time.sleep(10)
        waited += 10
        load = os.getloadavg()[0]
    return load


# --------------------------------------------------------------------------- reporting
def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}x" if value < 1 else f"{value:.1f}x"


def fmt_mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        cells = [str(cell).rjust(widths[i]) if i in right else str(cell).ljust(widths[i]) for i, cell in enumerate(row)]
        return "| " + " | ".join(cells) + " |"

    separator = (
        "|" + "|".join(("-" * (w + 1) + ":") if i in right else "-" * (w + 2) for i, w in enumerate(widths)) + "|"
    )
    return "\n".join([line(headers), separator, *(line(row) for row in rows)])


def report_pairs(pairs: Sequence[Pair]) -> str:
    rows = []
    notes = []
    for pair in pairs:
        b = pair.b
        ratio = pair.ratio()
        rows.append(
            [
                pair.name,
                fmt_ms(pair.a.median) if not pair.a.error else "ERROR",
                fmt_mb(pair.a.peak_mb),
                (b.label if b else "-"),
                (fmt_ms(b.median) if b and not b.error else ("ERROR" if b else "skipped")),
                fmt_ratio(ratio),
                pair.target,
                pair.verdict(),
            ]
        )
        for command in pair.commands():
            if command.error:
                notes.append(f"  {command.label}: {command.error}")
        if pair.skipped:
            notes.append(f"  {pair.name}: reference skipped: {pair.skipped}")
    text = table(["pair", "campaign ms", "MB", "reference", "ref ms", "ratio", "target", "result"], rows, {1, 2, 4, 5})
    if notes:
        text += "\nProblems:\n" + "\n".join(dict.fromkeys(notes))
    return text


def linear_verdicts(points: Sequence[tuple[int, float | None]]) -> list[str]:
    """Per step: is the growth from the previous size no faster than linear?

    Step i adds (t_i - t_{i-1}) for (n_i - n_{i-1}) more rows. Linear growth
    keeps the per-row slope; we fail a step whose slope is more than
    LINEAR_FACTOR x the previous step's slope plus noise (LINEAR_SLACK_MS, or
    LINEAR_SLACK_SHARE of the previous time if that is more).
    The first step is checked against proportional growth (t_1/t_0 <= n_1/n_0).
    """
    verdicts = ["-"]
    for i in range(1, len(points)):
        (n0, t0), (n1, t1) = points[i - 1], points[i]
        if t0 is None or t1 is None:
            verdicts.append("n/a")
            continue
        if i == 1:
            ok = t1 / t0 <= n1 / n0 + 1e-9
        else:
            nprev, tprev = points[i - 2]
            if tprev is None:
                verdicts.append("n/a")
                continue
            slope_prev = max((t0 - tprev) / (n0 - nprev), 0.0)
            noise = max(LINEAR_SLACK_MS, LINEAR_SLACK_SHARE * t0)
            ok = (t1 - t0) <= LINEAR_FACTOR * slope_prev * (n1 - n0) + noise
        verdicts.append("PASS" if ok else "FAIL")
    return verdicts


def report_versus(versus: Sequence[Versus], sources: Sequence[str]) -> str:
    """One row per command and data source: campaign against the lean and the rich Taskwarrior copy."""
    rows = []
    notes = []
    for source in sources:
        for item in versus:
            if item.source != source:
                continue
            lean, rich = item.refs.get("lean"), item.refs.get("rich")

            def ref_ms(ref: Command | None) -> str:
                if ref is None:
                    return "skipped"
                return "ERROR" if ref.error else fmt_ms(ref.median)

            rows.append(
                [
                    item.name,
                    source,
                    fmt_ms(item.a.median) if not item.a.error else "ERROR",
                    fmt_mb(item.a.peak_mb),
                    ref_ms(lean),
                    fmt_ratio(item.ratio("lean")),
                    ref_ms(rich),
                    fmt_ratio(item.ratio("rich")),
                    f"<= {item.limit:g}x" if item.limit is not None else "-",
                    item.verdict("lean"),
                    item.verdict("rich"),
                ]
            )
            for command in item.commands():
                if command.error:
                    notes.append(f"  {command.label}: {command.error}")
    text = table(
        ["command", "data", "campaign ms", "MB", "lean ms", "ratio", "rich ms", "ratio", "target", "lean", "rich"],
        rows,
        {2, 3, 4, 5, 6, 7},
    )
    if notes:
        text += "\nProblems:\n" + "\n".join(dict.fromkeys(notes))
    return text


def rendering_lines(versus: Sequence[Versus], scaling: Sequence[tuple[int, dict[str, Pair]]]) -> list[str]:
    """How much of a table's time is rendering: the table minus the JSON of the same report."""
    lines = []
    pairs = {(item.source, item.name): item.a for item in versus}
    for source in dict.fromkeys(item.source for item in versus):
        for name in ("status", "report weekly"):
            table_ms = pairs.get((source, name))
            json_ms = pairs.get((source, f"{name} --format json"))
            if table_ms and json_ms and table_ms.median and json_ms.median:
                share = (table_ms.median - json_ms.median) / table_ms.median
                lines.append(
                    f"  {name} [{source}]: table {fmt_ms(table_ms.median)} ms, json {fmt_ms(json_ms.median)} ms: "
                    f"rendering the table takes {fmt_ms(table_ms.median - json_ms.median)} ms ({share:.0%})"
                )
    for logs, row in scaling:
        for name in ("status", "weekly"):
            table_ms, json_ms = row[name].a.median, row[f"{name} json"].a.median
            if table_ms and json_ms:
                lines.append(
                    f"  {name} @ {logs:,}: table {fmt_ms(table_ms)} ms, json {fmt_ms(json_ms)} ms "
                    f"({fmt_ms(table_ms - json_ms)} ms rendering)"
                )
    return lines


def report_scaling(scaling: Sequence[tuple[int, dict[str, Pair]]]) -> str:
    rows = []
    notes = []
    names = list(SCALED)
    curves: dict[str, list[tuple[int, float | None]]] = {name: [] for name in names}
    for logs, row in scaling:
        for name in names:
            curves[name].append((logs, row[name].a.median))
    growth = {name: linear_verdicts(points) for name, points in curves.items()}
    for index, (logs, row) in enumerate(scaling):
        for name in names:
            pair = row[name]
            base = curves[name][0][1]
            here = pair.a.median
            rows.append(
                [
                    f"{logs:,}",
                    name,
                    fmt_ms(here) if not pair.a.error else "ERROR",
                    fmt_mb(pair.a.peak_mb),
                    f"{here / base:.2f}x" if here is not None and base else "-",
                    pair.verdict(),
                    growth[name][index],
                ]
            )
            if pair.a.error:
                notes.append(f"  {pair.a.label}: {pair.a.error}")
    text = table(
        ["log entries", "command", "ms", "MB", "vs first", f"< {SCALE_MS:g} ms & {SCALE_MB:g} MB", "linear"],
        rows,
        {0, 2, 3, 4},
    )
    text += "\n" + curve_lines(curves)
    if notes:
        text += "\nProblems:\n" + "\n".join(dict.fromkeys(notes))
    return text


def curve_lines(curves: dict[str, list[tuple[int, float | None]]]) -> str:
    """A small text plot of ms against log entries, one bar per size."""
    lines = ["Curve (ms against log entries; size grows 10x per row in the default run):"]
    known = [t for points in curves.values() for _, t in points if t is not None]
    if not known:
        return lines[0] + " no data"
    scale = max(known) / 50 or 1
    for name, points in curves.items():
        for logs, ms in points:
            bar = "#" * max(1, round(ms / scale)) if ms is not None else "(failed)"
            lines.append(f"  {name:<12} {logs:>10,}  {fmt_ms(ms):>7} ms  {bar}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- long lists (issue 11)
# A group of its own: how long the whole list takes to print as a table, the
# way a secretary scrolls it. Its own database (--list-tasks tasks, --list-logs
# log entries) and its own Taskwarrior copy of the same tasks.
#   task list (all):    `campaign task list` (every task)  vs  `task list` (every pending task): <= 1.5x
#   log list --limit 0: `campaign log list --limit 0` (every entry, table)  < 1 s; beside it the same list as CSV
LIST_RATIO = 1.5
LIST_LOG_SECONDS = 1.0


def build_long_lists(
    args: argparse.Namespace, workdir: Path, tw: Taskwarrior | None, tw_reason: str
) -> tuple[list[Pair], dict[str, Any]]:
    """Generate the long-list database and return its pairs (and facts about the data)."""
    tasks, logs = args.list_tasks, args.list_logs
    print(f"long lists: generating {tasks:,} tasks + {logs:,} log entries ...", flush=True)
    store = Store(workdir, None)  # SQLite: the lists compare printing, not engines
    tw_json = workdir / "list-tasks.json"
    url, seconds = store.build(
        tasks, logs, seed=args.seed,
        extra=["--taskwarrior-json", str(tw_json), "--taskwarrior-as-of", AS_OF_DATE.isoformat()],
    )  # fmt: skip
    facts: dict[str, Any] = {"list_generate_seconds": round(seconds, 2), "list_tasks": tasks, "list_logs": logs}
    if tw is not None:
        tw.load("lists", tw_json)

    def campaign(label: str, *words: str) -> Command:
        env = {**base_env(None), "CAMPAIGN_DB": url, "CAMPAIGN_USER": "benchmark", "CAMPAIGN_LANG": args.lang}
        return Command(label, [*campaign_argv(), "--as-of", AS_OF, *words], env)

    def ratio_check(pair: Pair) -> bool | None:
        ratio = pair.ratio()
        return None if ratio is None else ratio <= LIST_RATIO

    def seconds_check(pair: Pair) -> bool | None:
        return None if pair.a.median is None else pair.a.median < LIST_LOG_SECONDS * 1000

    reference = Command("task list (all pending)", tw.argv("list"), tw.env("lists", None)) if tw else None
    task_pair = Pair(
        f"task list, all {tasks:,}", campaign("campaign task list", "task", "list"), reference,
        f"<= {LIST_RATIO:g}x", ratio_check, skipped=None if tw else tw_reason,
    )  # fmt: skip
    log_pair = Pair(
        f"log list --limit 0, {logs:,}",
        campaign("campaign log list --limit 0", "log", "list", "--limit", "0"),
        campaign("the same list as CSV", "log", "list", "--limit", "0", "--format", "csv"),
        f"< {LIST_LOG_SECONDS:g} s", seconds_check,
    )  # fmt: skip
    return [task_pair, log_pair], facts


# --------------------------------------------------------------------------- coverage by place
# Issue 16: `report coverage` on 10,000 tasks, 100,000 entries and 3,000 places
# under 1 s, whatever the format; `status` carries coverage too (places_covered).
COVERAGE_SECONDS = 1.0
COVERAGE_PLACES = 3_000


def build_coverage(args: argparse.Namespace, workdir: Path) -> tuple[list[Pair], dict[str, Any]]:
    """Generate a campaign with a registry of places and return the coverage pairs (table against JSON)."""
    tasks, logs, places = args.tasks, args.logs, args.coverage_places
    print(f"coverage: generating {tasks:,} tasks + {logs:,} log entries + {places:,} places ...", flush=True)
    store = Store(workdir, None)
    url, seconds = store.build(tasks, logs, seed=args.seed, extra=["--places", str(places)], prefix="places-")
    facts: dict[str, Any] = {"coverage_generate_seconds": round(seconds, 2), "coverage_places": places}

    def campaign(label: str, *words: str) -> Command:
        env = {**base_env(None), "CAMPAIGN_DB": url, "CAMPAIGN_USER": "benchmark", "CAMPAIGN_LANG": args.lang}
        return Command(label, [*campaign_argv(), "--as-of", AS_OF, *words], env)

    def under_target(pair: Pair) -> bool | None:
        medians = [command.median for command in pair.commands()]
        return None if None in medians else max(medians) < COVERAGE_SECONDS * 1000

    target = f"< {COVERAGE_SECONDS:g} s"
    pairs = [
        Pair(f"report coverage, {places:,} places", campaign("table", "report", "coverage"),
             campaign("JSON", "report", "coverage", "--format", "json"), target, under_target),
        Pair("report coverage --level village", campaign("table", "report", "coverage", "--level", "village"),
             campaign("JSON", "report", "coverage", "--level", "village", "--format", "json"), target,
             under_target),
        Pair("status with places_covered", campaign("table", "status"),
             campaign("JSON", "status", "--format", "json"), target, under_target),
        Pair("report weekly with by_place", campaign("table", "report", "weekly"),
             campaign("JSON", "report", "weekly", "--format", "json"), target, under_target),
    ]  # fmt: skip
    return pairs, facts


# --------------------------------------------------------------------------- main
def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=None, help="measured passes; the median is reported (default 7)")
    parser.add_argument("--tasks", type=int, default=None, help="tasks in every database (default 10000)")
    parser.add_argument(
        "--logs", type=int, default=None, help="log entries in the database of the pairs (default 100000)"
    )
    parser.add_argument(
        "--sizes",
        default=None,
        help="log entries for the scaling curve, comma-separated (default 10000,100000,1000000)",
    )
    parser.add_argument("--import-rows", type=int, default=None, help="CSV rows for `log import` (default 100000)")
    parser.add_argument("--quick", action="store_true", help="small data and 3 runs: a smoke run of the runner")
    parser.add_argument(
        "--only",
        help=f"run these groups only, comma-separated ({', '.join(GROUPS)}; default: {', '.join(DEFAULT_GROUPS)}); "
        "shared needs --db-url postgresql://... and a user that may create roles",
    )
    parser.add_argument("--shared-communes", type=int, default=100, help="shared: communes logging at once")
    parser.add_argument("--shared-entries", type=int, default=20, help="shared: `log add` runs per commune")
    parser.add_argument(
        "--shared-rollup-entries", type=int, default=2_000, help="shared: log entries per commune for the roll-up"
    )
    parser.add_argument("--coverage-places", type=int, default=COVERAGE_PLACES,
                        help=f"places of the coverage group's registry (default {COVERAGE_PLACES:,})")
    parser.add_argument("--list-tasks", type=int, default=None, help="tasks for the long lists (default 10000)")
    parser.add_argument("--list-logs", type=int, default=None, help="log entries for the long lists (default 20000)")
    parser.add_argument(
        "--sources",
        default=",".join(SOURCES),
        help=f"data sources of the pairs, comma-separated ({', '.join(SOURCES)}; default: both)",
    )
    parser.add_argument(
        "--max-load",
        type=float,
        help="before each pass, wait (up to 10 min) until the 1-minute load average is below this",
    )
    parser.add_argument(
        "--db-url",
        help="run against this database URL instead of SQLite files in the work dir "
        "(PostgreSQL: its campaign tables are DROPPED and regenerated)",
    )
    parser.add_argument("--workdir", help="keep generated data here (default: a temporary directory, removed)")
    parser.add_argument("--no-taskwarrior", action="store_true", help="skip the Taskwarrior side of the pairs")
    parser.add_argument("--no-install", action="store_true", help="do not try to apt-get install taskwarrior")
    parser.add_argument("--lang", default="vi", choices=("vi", "en"), help="CAMPAIGN_LANG for the runs (default vi)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument(
        "--json",
        nargs="?",
        const="",
        metavar="FILE",
        help="also save the results as JSON (default file: benchmarks/out/results-DATE.json)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = args.runs or 3
        args.tasks = args.tasks or 500
        args.logs = args.logs or 5_000
        args.sizes = args.sizes or "1000,5000,20000"
        args.import_rows = args.import_rows or 2_000
        args.list_tasks = args.list_tasks or 500
        args.list_logs = args.list_logs or 2_000
    args.list_tasks = args.list_tasks or 10_000
    args.list_logs = args.list_logs or 20_000
    args.runs = args.runs or 7
    args.tasks = args.tasks or 10_000
    args.logs = args.logs or 100_000
    args.import_rows = args.import_rows or 100_000
    args.sizes = [int(size.replace("_", "")) for size in (args.sizes or "10000,100000,1000000").split(",") if size]
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    args.sources = [name.strip() for name in args.sources.split(",") if name.strip()]
    unknown = [name for name in args.sources if name not in SOURCES]
    if unknown or not args.sources:
        parser.error(f"--sources: use {', '.join(SOURCES)}")
    args.groups = [name.strip() for name in (args.only or ",".join(DEFAULT_GROUPS)).split(",") if name.strip()]
    if any(name not in GROUPS for name in args.groups):
        parser.error(f"--only: use {', '.join(GROUPS)}")
    return args


def machine_facts(tw_version: str | None) -> dict[str, Any]:
    return {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "taskwarrior": tw_version,
        "load average": " ".join(f"{value:.1f}" for value in os.getloadavg()),
        "TZ (caller)": os.environ.get("TZ", "(unset)"),
        "/etc/localtime": os.path.realpath("/etc/localtime") if os.path.exists("/etc/localtime") else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    temporary = args.workdir is None
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="campaign-bench-")).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = workdir / "scratch"
    scratch.mkdir(exist_ok=True)
    try:
        return _main(args, workdir, scratch)
    finally:
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)


def _main(args: argparse.Namespace, workdir: Path, scratch: Path) -> int:
    tw_binary, tw_reason = (
        (None, "--no-taskwarrior given") if args.no_taskwarrior else find_taskwarrior(not args.no_install)
    )
    tw_version = tw_reason if tw_binary else None
    if tw_binary is None:
        print(f"NOTE: {tw_reason}; the Taskwarrior side of every pair is skipped.", flush=True)
    tw = Taskwarrior(tw_binary, workdir / "taskwarrior") if tw_binary else None
    facts = machine_facts(tw_version)
    print("machine: " + ", ".join(f"{key} {value}" for key, value in facts.items() if key != "when"), flush=True)
    store = Store(workdir, args.db_url)
    started = time.perf_counter()
    pairs_wanted, scaling_wanted = "pairs" in args.groups, "scaling" in args.groups
    versus: list[Versus] = []
    others: list[Pair] = []
    scaling: list[tuple[int, dict[str, Pair]]] = []
    if pairs_wanted or scaling_wanted:
        versus, others, scaling, data_facts = build_benchmarks(args, workdir, store, tw, tw_reason)
        facts.update(data_facts)
    shared_text = ""
    if "shared" in args.groups:
        from shared import run_shared

        print(f"shared: {args.shared_communes} communes x {args.shared_entries} `log add` at once ...", flush=True)
        shared_text, facts["shared"] = run_shared(
            args.db_url or "", campaign_argv(), communes=args.shared_communes, entries=args.shared_entries,
            rollup_entries=args.shared_rollup_entries, runs=args.runs, base_env=base_env("UTC"),
        )  # fmt: skip
    lists: list[Pair] = []
    if "lists" in args.groups:
        lists, list_facts = build_long_lists(args, workdir, tw, tw_reason)
        facts.update(list_facts)

    coverage: list[Pair] = []
    if "coverage" in args.groups:
        coverage, coverage_facts = build_coverage(args, workdir)
        facts.update(coverage_facts)

    groups: list[list[Command]] = []
    groups += [pair.commands() for pair in lists]
    groups += [pair.commands() for pair in coverage]
    if pairs_wanted:
        groups += [item.commands() for item in versus]
        groups += [pair.commands() for pair in others]
    if scaling_wanted:
        for logs, row in scaling:
            if not (store.postgres and logs != args.logs):
                groups.append([pair.a for pair in row.values()])
    loads: list[float] = []
    if groups:
        print(f"timing: {args.runs} passes + 1 warm-up, as of {AS_OF} ...", flush=True)
        run_passes(groups, args.runs, scratch, max_load=args.max_load, loads=loads)
    if store.postgres and scaling_wanted:
        for logs, row in scaling:
            if logs == args.logs:
                continue
            print(f"PostgreSQL: regenerating with {logs:,} log entries ...", flush=True)
            url, _ = store.build(args.tasks, logs, seed=args.seed)
            for pair in row.values():
                pair.a.env["CAMPAIGN_DB"] = url
            run_passes([[pair.a for pair in row.values()]], args.runs, scratch, label=f"{logs:,}: ",
                       max_load=args.max_load, loads=loads)  # fmt: skip
    facts["load average per pass"] = [round(load, 1) for load in loads]

    print()
    print(
        f"campaign {args.tasks:,} tasks; pairs on {args.logs:,} log entries; median of {args.runs} runs "
        f"(ms, wall clock of a fresh process); MB = peak RSS of the campaign process; ratio = campaign / reference"
    )
    if pairs_wanted:
        print()
        print("Against Taskwarrior 2.6.2, the same tasks in two copies (each Taskwarrior task carries):")
        from generate import TASKWARRIOR_COPIES

        for copy, what in TASKWARRIOR_COPIES.items():
            print(f"  {copy}: {what}")
        print("Data sources (the same number of tasks and entries, two shapes and two ways in):")
        for name in args.sources:
            print(f"  {name}: {SOURCES[name].how}")
        print()
        print(report_versus(versus, [name for name in args.sources if any(v.source == name for v in versus)]))
        rendering = rendering_lines(versus, [])
        if rendering:
            print("Rendering (table minus JSON of the same report):")
            print("\n".join(rendering))
        print()
        print(report_pairs(others))
    if lists:
        print()
        print(f"Long lists: every row printed as a table ({args.list_tasks:,} tasks, {args.list_logs:,} log entries)")
        print(report_pairs(lists))
    if coverage:
        print()
        print(f"Coverage by place: {args.tasks:,} tasks, {args.logs:,} log entries, {args.coverage_places:,} places "
              "(a = table, b = JSON; the target holds for both)")
        print(report_pairs(coverage))
    if scaling_wanted:
        print()
        print(f"Scaling: {args.tasks:,} tasks, generated data, as of {AS_OF}")
        print(report_scaling(scaling))
        rendering = rendering_lines([], scaling)
        if rendering:
            print("Rendering at each size:")
            print("\n".join(rendering))
    if shared_text:
        print()
        print(shared_text)
    elapsed = time.perf_counter() - started
    load = os.getloadavg()
    facts["load average after"] = " ".join(f"{value:.1f}" for value in load)
    if loads:
        print(
            f"\n(total {elapsed:.0f} s; load average at the passes: min {min(loads):.1f}, "
            f"median {statistics.median(loads):.1f}, max {max(loads):.1f}; now {facts['load average after']})"
        )
    else:
        print(f"\n(total {elapsed:.0f} s; load average now {facts['load average after']})")
    if loads and statistics.median(loads) > (os.cpu_count() or 1):
        print(
            "WARNING: the machine was busy with other work (load above its CPU count): absolute times are "
            "inflated; ratios within this run are still comparable. Run again with --max-load to wait for quiet."
        )

    if args.json is not None:
        out = Path(args.json) if args.json else HERE / "out" / f"results-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "facts": facts,
            "settings": {
                "runs": args.runs,
                "tasks": args.tasks,
                "logs": args.logs,
                "sizes": args.sizes,
                "import_rows": args.import_rows,
                "as_of": AS_OF,
                "db_url": args.db_url or "sqlite",
                "sources": args.sources,
                "max_load": args.max_load,
            },
            "versus": [
                {
                    "name": item.name,
                    "source": item.source,
                    "limit": item.limit,
                    "campaign": item.a.as_dict(),
                    **{
                        copy: {
                            "ratio": item.ratio(copy),
                            "verdict": item.verdict(copy),
                            "reference": ref.as_dict() if ref else None,
                        }
                        for copy, ref in item.refs.items()
                    },
                }
                for item in versus
            ]
            if pairs_wanted
            else [],
            "pairs": [pair.as_dict() for pair in others] if pairs_wanted else [],
            "long_lists": [pair.as_dict() for pair in lists],
            "coverage": [pair.as_dict() for pair in coverage],
            "scaling": [
                {"logs": logs, **{name: {"verdict": pair.verdict(), **pair.a.as_dict()} for name, pair in row.items()}}
                for logs, row in scaling
            ]
            if scaling_wanted
            else [],
        }
        out.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"results saved to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
