"""Time export, import and undo of big campaigns, on SQLite and (optionally) PostgreSQL.

    python benchmarks/transfer.py [--tasks 10000] [--logs 100000] [--undo-rows 200000]
                                 [--pg-url postgresql+psycopg://postgres@/bench?host=/tmp/pg] [--runs 3]
                                 [--campaign "python -m campaign_cli"]

What it does, each step a fresh ``campaign`` process timed from spawn to exit
with its peak resident memory (GNU ``/usr/bin/time -f %M`` when there is one):

1. ``generate.py`` builds a campaign (40 members, 10 units, 75% of entries
   linked to a task, most tasks with a target) and ``campaign export`` writes
   it as the document the other steps use;
2. **export**: ``campaign export`` of that campaign (target < 1 s, < 100 MB);
3. **import**: ``campaign import`` of the document into a new database
   (target < 3 s, < 150 MB), then export again: the bytes must be the same;
4. **undo**: ``campaign log import`` of ``--undo-rows`` CSV rows, then
   ``campaign undo`` and ``campaign redo`` of it (the issue measured 24 s on
   SQLite and 3 min 41 s on PostgreSQL before undo was set-based).

With ``--pg-url`` (a database on a server you may write to), steps 3 and 4 run
there too, each in a fresh schema that is dropped afterwards. ``--campaign``
runs another build of the command (e.g. an older checkout) for before/after
figures. Medians of ``--runs`` runs; the machine is noisy: compare figures of
one run only.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
GNU_TIME = Path("/usr/bin/time").exists()


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one process; fails loudly if it fails."""
    prefix = ["/usr/bin/time", "-f", "%M"] if GNU_TIME else []
    started = time.perf_counter()
    result = subprocess.run([*prefix, *command], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed: {shlex.join(command)}\n{result.stderr}")
    peak = float(result.stderr.strip().splitlines()[-1]) / 1024 if GNU_TIME else float("nan")
    return elapsed, peak


def median_of(runs: int, step) -> tuple[float, float]:
    results = [step() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def report(label: str, figures: tuple[float, float], target: str = "") -> None:
    seconds, megabytes = figures
    print(f"| {label:<46} | {seconds:8.2f} s | {megabytes:6.0f} MB | {target:<16} |", flush=True)


def postgres_schema(url: str, schema: str, create: bool) -> None:
    import psycopg

    from campaign_cli.storage.db import postgres_conninfo

    with psycopg.connect(postgres_conninfo(url), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        if create:
            conn.execute(f"CREATE SCHEMA {schema}")


def with_schema(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--logs", type=int, default=100_000)
    parser.add_argument("--undo-rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-url", help="a PostgreSQL database to run import and undo on as well")
    parser.add_argument("--campaign", default=f"{sys.executable} -m campaign_cli", help="the command to time")
    options = parser.parse_args()
    campaign = shlex.split(options.campaign)
    env = {**os.environ, "CAMPAIGN_LANG": "en", "CAMPAIGN_TODAY": "1/7/2021", "NO_COLOR": "1"}

    with tempfile.TemporaryDirectory(prefix="campaign-transfer-") as folder:
        work = Path(folder)
        generated = work / "generated.db"
        csv = work / "rows.csv"
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--tasks", str(options.tasks), "--logs", str(options.logs),
             "--members", "40", "--units", "10", "--db", str(generated), "--csv", str(csv),
             "--csv-rows", str(options.undo_rows)],
            check=True, capture_output=True,
        )
        document = work / "campaign.json"
        subprocess.run([*campaign, "--db", str(generated), "export", str(document)], env=env, check=True,
                       capture_output=True)
        print(f"{options.tasks:,} tasks, {options.logs:,} log entries: {document.stat().st_size / 1e6:.1f} MB "
              f"document; {options.undo_rows:,} CSV rows for the undo; {options.runs} runs, medians")
        print(f"| {'step':<46} |       time |      peak | target           |")
        print(f"|{'-' * 48}|-----------:|----------:|------------------|")
        report("export (SQLite)", median_of(options.runs, lambda: measure(
            [*campaign, "--db", str(generated), "export", str(work / "again.json")], env)), "< 1 s, < 100 MB")
        if not filecmp.cmp(document, work / "again.json", shallow=False):
            raise SystemExit("export is not stable")

        def import_sqlite():
            target = work / f"import-{uuid.uuid4().hex[:8]}.db"
            figures = measure([*campaign, "--db", str(target), "import", str(document)], env)
            subprocess.run([*campaign, "--db", str(target), "export", str(work / "round.json")], env=env,
                           check=True, capture_output=True)
            if not filecmp.cmp(document, work / "round.json", shallow=False):
                raise SystemExit("export -> import -> export changed the bytes")
            return figures

        report("import into a new file (SQLite)", median_of(options.runs, import_sqlite), "< 3 s, < 150 MB")
        undo_db = work / "undo.db"
        shutil.copyfile(generated, undo_db)
        subprocess.run([*campaign, "--db", str(undo_db), "log", "import", str(csv)], env=env, check=True,
                       capture_output=True)
        report(f"undo of a {options.undo_rows:,}-row log import (SQLite)",
               measure([*campaign, "--db", str(undo_db), "undo"], env))
        report("redo of it (SQLite)", measure([*campaign, "--db", str(undo_db), "redo"], env))

        if options.pg_url:
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            url = with_schema(options.pg_url, schema)
            try:
                def import_postgres():
                    postgres_schema(options.pg_url, schema, create=True)
                    return measure([*campaign, "--db", url, "import", str(document)], env)

                report("import (PostgreSQL)", median_of(options.runs, import_postgres))
                report("export (PostgreSQL)", median_of(options.runs, lambda: measure(
                    [*campaign, "--db", url, "export", str(work / "pg.json")], env)))
                if not filecmp.cmp(document, work / "pg.json", shallow=False):
                    raise SystemExit("PostgreSQL export differs")
                subprocess.run([*campaign, "--db", url, "log", "import", str(csv)], env=env, check=True,
                               capture_output=True)
                report(f"undo of a {options.undo_rows:,}-row log import (PostgreSQL)",
                       measure([*campaign, "--db", url, "undo"], env))
                report("redo of it (PostgreSQL)", measure([*campaign, "--db", url, "redo"], env))
            finally:
                postgres_schema(options.pg_url, schema, create=False)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    main()
