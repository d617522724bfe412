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
AS_OF_DATE = dt.date(2021, 4, 15)
TW_FLAGS = ("rc.confirmation=off", "rc.verbose=nothing")
HELP_RATIO = 12.0
IMPORT_SECONDS = 3.0
SCALE_MS = 1000.0
SCALE_MB = 150.0
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
    env.update({"NO_COLOR": "1", "COLUMNS": "120"})
    return env


# --------------------------------------------------------------------------- data
class Store:
    """Where the benchmark databases live: SQLite files in the work dir, or one PostgreSQL database."""

    def __init__(self, workdir: Path, url: str | None):
        self.workdir = workdir
        self.url = url
        self.postgres = bool(url and url.startswith(("postgres", "postgresql")))
        self.current: int | None = None  # PostgreSQL holds one size at a time

    def path(self, logs: int, tasks: int) -> Path:
        return self.workdir / f"campaign-{tasks}t-{logs}l.db"

    def build(self, tasks: int, logs: int, *, seed: int, extra: Sequence[str] = ()) -> tuple[str, float]:
        """Generate this size; returns the database URL and the seconds the generator took.

        The generator runs as its own process: this runner stays small (it
        imports neither SQLModel nor the data), so forking the measured
        commands from it costs little.
        """
        target = ["--db-url", self.url] if self.postgres else ["--db", str(self.path(logs, tasks))]
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
        return (self.url if self.postgres else str(self.path(logs, tasks))), float(match.group(1)) if match else 0.0


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
def build_benchmarks(
    args: argparse.Namespace, workdir: Path, store: Store, tw: Taskwarrior | None, tw_reason: str
) -> tuple[list[Pair], list[tuple[int, Pair, Pair]], dict[str, Any]]:
    """Generate the data and return (pairs, scaling rows (logs, weekly, status), facts)."""
    campaign = campaign_argv()
    facts: dict[str, Any] = {}
    sizes = sorted(set(args.sizes))
    base_logs = args.logs

    def campaign_cmd(label: str, url: str, *words: str, tz: str | None = None, before=None) -> Command:
        env = {**base_env(tz), "CAMPAIGN_DB": url, "CAMPAIGN_USER": "benchmark", "CAMPAIGN_LANG": args.lang}
        as_of = [] if words[-1] == "--help" else ["--as-of", AS_OF]
        return Command(label, [*campaign, *as_of, *words], env, before)

    # --- data for the pairs --------------------------------------------------------------------
    print(f"generating {args.tasks:,} tasks + {base_logs:,} log entries ...", flush=True)
    tw_json = workdir / "tasks.json"
    csv_path = workdir / "logs.csv"
    # Taskwarrior's today is the real one: its copy is shifted so that the as-of date falls on today.
    extra = [
        "--taskwarrior-json",
        str(tw_json),
        "--taskwarrior-as-of",
        AS_OF_DATE.isoformat(),
        "--csv",
        str(csv_path),
        "--csv-rows",
        str(args.import_rows),
    ]
    base_url, seconds = store.build(args.tasks, base_logs, seed=args.seed, extra=extra)
    print(f"  {seconds:.1f} s", flush=True)
    facts["generate_seconds"] = {f"{args.tasks}t/{base_logs}l": round(seconds, 2)}
    facts["taskwarrior_shift_days"] = (dt.date.today() - AS_OF_DATE).days
    facts["import_rows"] = args.import_rows

    if tw is not None:
        print(f"importing {args.tasks:,} tasks into Taskwarrior ...", flush=True)
        started = time.perf_counter()
        tw.load("main", tw_json)
        facts["taskwarrior_import_once_s"] = round(time.perf_counter() - started, 2)
        tw.copy("main", "add")

    def tw_cmd(label: str, data: str, *words: str, tz: str | None = None, before=None) -> Command | None:
        if tw is None:
            return None
        return Command(label, tw.argv(*words), tw.env(data, tz), before)

    pairs: list[Pair] = []
    pairs.append(
        Pair("status", campaign_cmd("campaign status", base_url, "status"), tw_cmd("task summary", "main", "summary"))
    )
    pairs.append(
        Pair(
            "task list",
            campaign_cmd("campaign task list --limit 25", base_url, "task", "list", "--limit", "25"),
            tw_cmd("task list limit:25", "main", "list", "limit:25"),
        )
    )

    # log add: on a copy, so repeated adds never touch the data the others read.
    if store.postgres:
        add_url = base_url
    else:
        add_path = workdir / "add.db"
        copy_sqlite(base_url, add_path)
        add_url = str(add_path)
    pairs.append(
        Pair(
            "log add",
            campaign_cmd(
                "campaign log add --type poster --qty 3", add_url, "log", "add", "--type", "poster", "--qty", "3"
            ),
            tw_cmd("task add foo", "add", "add", "foo"),
        )
    )

    for tz_label, tz in (("TZ unset", None), ("TZ=UTC", "UTC")):
        pairs.append(
            Pair(
                f"burndown ({tz_label})",
                campaign_cmd(f"campaign report burndown [{tz_label}]", base_url, "report", "burndown", tz=tz),
                tw_cmd(f"task burndown.daily [{tz_label}]", "main", "burndown.daily", tz=tz),
            )
        )

    python = Command("python3 -c pass", [sys.executable, "-c", "pass"], base_env(None))

    def help_check(pair: Pair) -> bool | None:
        ratio = pair.ratio()
        return None if ratio is None else ratio <= HELP_RATIO

    pairs.append(
        Pair("--help", campaign_cmd("campaign --help", base_url, "--help"), python, f"<= {HELP_RATIO:g}x", help_check)
    )
    python2 = Command("python3 -c pass", [sys.executable, "-c", "pass"], base_env(None))
    pairs.append(
        Pair(
            "task add --help",
            campaign_cmd("campaign task add --help", base_url, "task", "add", "--help"),
            python2,
            f"<= {HELP_RATIO:g}x",
            help_check,
        )
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
        tw_import = tw_cmd(
            f"task import ({args.tasks:,} tasks)",
            "import",
            "import",
            str(tw_json),
            tz=None,
            before=lambda: tw.empty("import"),
        )
    pairs.append(
        Pair(
            f"log import {args.import_rows:,} rows",
            campaign_cmd(
                f"campaign log import ({args.import_rows:,} rows)",
                import_url,
                "log",
                "import",
                str(csv_path),
                before=import_before,
            ),
            tw_import,
            f"< {IMPORT_SECONDS:g} s",
            import_check,
        )
    )

    if tw is None:
        for pair in pairs:
            if pair.b is None:
                pair.skipped = tw_reason

    # --- scaling -------------------------------------------------------------------------------
    scaling: list[tuple[int, Pair, Pair]] = []

    def scale_check(pair: Pair) -> bool | None:
        if pair.a.median is None:
            return None
        return pair.a.median < SCALE_MS and (pair.a.peak_mb or 0) < SCALE_MB

    for logs in sizes:
        if store.postgres and logs != base_logs:
            # One PostgreSQL database holds one size: those sizes are measured in their own block.
            url = None
        elif logs == base_logs:
            url = base_url
        else:
            print(f"generating {args.tasks:,} tasks + {logs:,} log entries ...", flush=True)
            url, seconds = store.build(args.tasks, logs, seed=args.seed)
            print(f"  {seconds:.1f} s", flush=True)
            facts["generate_seconds"][f"{args.tasks}t/{logs}l"] = round(seconds, 2)
        weekly = Pair(
            f"report weekly @ {logs:,}",
            campaign_cmd(f"campaign report weekly [{logs:,} logs]", url or "", "report", "weekly"),
            None,
            f"< {SCALE_MS:g} ms, < {SCALE_MB:g} MB",
            scale_check,
        )
        status = Pair(
            f"status @ {logs:,}",
            campaign_cmd(f"campaign status [{logs:,} logs]", url or "", "status"),
            None,
            f"< {SCALE_MS:g} ms, < {SCALE_MB:g} MB",
            scale_check,
        )
        scaling.append((logs, weekly, status))
    return pairs, scaling, facts


def run_passes(commands: Sequence[Sequence[Command]], runs: int, scratch: Path, *, label: str = "") -> None:
    """Interleaved passes: every group once per pass, alternating the order inside a group."""
    total = runs + 1
    for index in range(total):
        warmup = index == 0
        started = time.perf_counter()
        for group in commands:
            ordered = list(group) if index % 2 == 0 else list(reversed(group))
            for command in ordered:
                command.run(scratch, record=not warmup)
        what = "warm-up" if warmup else f"pass {index}/{runs}"
        print(f"  {label}{what}: {time.perf_counter() - started:.1f} s", flush=True)


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


def report_scaling(scaling: Sequence[tuple[int, Pair, Pair]]) -> str:
    rows = []
    notes = []
    curves: dict[str, list[tuple[int, float | None]]] = {"weekly": [], "status": []}
    for logs, weekly, status in scaling:
        curves["weekly"].append((logs, weekly.a.median))
        curves["status"].append((logs, status.a.median))
    growth = {name: linear_verdicts(points) for name, points in curves.items()}
    for index, (logs, weekly, status) in enumerate(scaling):
        row = [f"{logs:,}"]
        for name, pair in (("weekly", weekly), ("status", status)):
            base = curves[name][0][1]
            here = pair.a.median
            row += [
                fmt_ms(here) if not pair.a.error else "ERROR",
                fmt_mb(pair.a.peak_mb),
                f"{here / base:.2f}x" if here is not None and base else "-",
                pair.verdict(),
                growth[name][index],
            ]
            if pair.a.error:
                notes.append(f"  {pair.a.label}: {pair.a.error}")
        rows.append(row)
    text = table(
        [
            "log entries",
            "weekly ms",
            "MB",
            "vs first",
            "< 1 s & 150 MB",
            "linear",
            "status ms",
            "MB",
            "vs first",
            "< 1 s & 150 MB",
            "linear",
        ],
        rows,
        {0, 1, 2, 3, 6, 7, 8},
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
            lines.append(f"  {name:<6} {logs:>10,}  {fmt_ms(ms):>7} ms  {bar}")
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
    parser.add_argument("--only", choices=("pairs", "scaling", "lists"), help="run one part only")
    parser.add_argument("--list-tasks", type=int, default=None, help="tasks for the long lists (default 10000)")
    parser.add_argument("--list-logs", type=int, default=None, help="log entries for the long lists (default 20000)")
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
    if args.only == "lists":
        pairs, scaling, data_facts = [], [], {}
    else:
        pairs, scaling, data_facts = build_benchmarks(args, workdir, store, tw, tw_reason)
    facts.update(data_facts)
    lists: list[Pair] = []
    if args.only in (None, "lists"):
        lists, list_facts = build_long_lists(args, workdir, tw, tw_reason)
        facts.update(list_facts)

    groups: list[list[Command]] = []
    if args.only != "scaling":
        groups += [pair.commands() for pair in pairs]
    groups += [pair.commands() for pair in lists]
    if args.only != "pairs":
        for logs, weekly, status in scaling:
            if not (store.postgres and logs != args.logs):
                groups.append([weekly.a, status.a])
    print(f"timing: {args.runs} passes + 1 warm-up, as of {AS_OF} ...", flush=True)
    run_passes(groups, args.runs, scratch)
    if store.postgres and args.only != "pairs":
        for logs, weekly, status in scaling:
            if logs == args.logs:
                continue
            print(f"PostgreSQL: regenerating with {logs:,} log entries ...", flush=True)
            url, _ = store.build(args.tasks, logs, seed=args.seed)
            weekly.a.env["CAMPAIGN_DB"] = status.a.env["CAMPAIGN_DB"] = url
            run_passes([[weekly.a, status.a]], args.runs, scratch, label=f"{logs:,}: ")

    print()
    print(
        f"campaign {args.tasks:,} tasks; pairs on {args.logs:,} log entries; median of {args.runs} runs "
        f"(ms, wall clock of a fresh process); MB = peak RSS of the campaign process; ratio = campaign / reference"
    )
    if args.only not in ("scaling", "lists"):
        print()
        print(report_pairs(pairs))
    if lists:
        print()
        print(f"Long lists: every row printed as a table ({args.list_tasks:,} tasks, {args.list_logs:,} log entries)")
        print(report_pairs(lists))
    if args.only not in ("pairs", "lists"):
        print()
        print(f"Scaling: {args.tasks:,} tasks, `campaign report weekly` and `campaign status` as of {AS_OF}")
        print(report_scaling(scaling))
    elapsed = time.perf_counter() - started
    load = os.getloadavg()
    facts["load average after"] = " ".join(f"{value:.1f}" for value in load)
    print(f"\n(total {elapsed:.0f} s; load average now {facts['load average after']})")
    if max(load[:2]) > (os.cpu_count() or 1):
        print(
            "WARNING: the machine was busy with other work (load above its CPU count): absolute times are "
            "inflated; ratios within this run are still comparable."
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
            },
            "pairs": [
                {
                    "name": pair.name,
                    "target": pair.target,
                    "verdict": pair.verdict(),
                    "ratio": pair.ratio(),
                    "campaign": pair.a.as_dict(),
                    "reference": pair.b.as_dict() if pair.b else None,
                    "skipped": pair.skipped,
                }
                for pair in pairs
            ]
            if args.only != "scaling"
            else [],
            "long_lists": [
                {
                    "name": pair.name,
                    "target": pair.target,
                    "verdict": pair.verdict(),
                    "ratio": pair.ratio(),
                    "campaign": pair.a.as_dict(),
                    "reference": pair.b.as_dict() if pair.b else None,
                    "skipped": pair.skipped,
                }
                for pair in lists
            ],
            "scaling": [
                {
                    "logs": logs,
                    "weekly": {"verdict": weekly.verdict(), **weekly.a.as_dict()},
                    "status": {"verdict": status.verdict(), **status.a.as_dict()},
                }
                for logs, weekly, status in scaling
            ]
            if args.only != "pairs"
            else [],
        }
        out.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"results saved to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
