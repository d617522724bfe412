"""A province on one PostgreSQL server (issue 17): ``benchmarks/run.py --only shared --db-url URL``.

1. Many secretaries at once: a province campaign and N communes (default
   100) in a schema of their own, row-level security on, one login role per
   commune (``campaign access grant``). N threads each start E ``campaign
   log add`` processes one after the other (default 20), all N at the same
   time, each process as its commune's role. Reported: entries written
   against expected (nothing lost), failures with their first error line,
   and the median and 95th percentile of one ``log add`` (spawn to exit).
2. The roll-up: each commune filled up to R entries (default 2,000) and 20
   tasks with SQL, then ``campaign report rollup`` as the province's
   read-only role (policies on) and as the owner, a fresh process each,
   median of ``--runs``; target under 1 s.

The schema and the roles are made for the run and dropped afterwards; the
URL's user must be allowed to create roles (a superuser or CREATEROLE).
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROLLUP_SECONDS = 1.0
ELECTION_DAY = "15/3/2026"
AS_OF = "10/2/2026"


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(share * len(ordered) + 0.5)) - 1))]


def _in_process(argv: list[str], env: dict[str, str]) -> None:
    """One campaign command in this process (set-up: 200 commands without 200 start-ups)."""
    from typer.testing import CliRunner

    from campaign_cli.cli.app import app

    result = CliRunner().invoke(app, argv, env=env, catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"campaign {' '.join(argv)}: {result.stderr.strip() or result.stdout.strip()}")


def run_shared(
    url: str, campaign: list[str], *, communes: int = 100, entries: int = 20, rollup_entries: int = 2_000,
    runs: int = 5, base_env: dict[str, str],
) -> tuple[str, dict[str, Any]]:  # fmt: skip
    import psycopg

    from campaign_cli.storage.db import postgres_conninfo

    if not re.match(r"^postgres(ql)?(\+\w+)?://", url):
        raise SystemExit("--only shared needs --db-url postgresql://... (a server it may create a schema and roles on)")
    tag = uuid.uuid4().hex[:8]
    schema = f"bench_shared_{tag}"
    roles = [f"bench_{tag}_{number:03d}" for number in range(1, communes + 1)]
    province_role = f"bench_{tag}_province"
    admin = psycopg.connect(postgres_conninfo(url), autocommit=True)
    admin.execute(f"CREATE SCHEMA {schema}")
    admin.execute(f"SET search_path = {schema}")  # the log's triggers name their tables unqualified
    base = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)
    schema_url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    env = {**base_env, "CAMPAIGN_DB": schema_url, "CAMPAIGN_TODAY": AS_OF, "CAMPAIGN_LANG": "en"}
    facts: dict[str, Any] = {"communes": communes, "entries_each": entries, "rollup_entries_each": rollup_entries}
    try:
        started = time.perf_counter()
        for role in [*roles, province_role]:
            admin.execute(f'CREATE ROLE "{role}" LOGIN')
        _in_process(["init", "Tỉnh Thử", "--election-day", ELECTION_DAY, "--level", "province"], env)
        for number, role in enumerate(roles, 1):
            name = f"Xã {number:03d}"
            _in_process(["init", name, "--parent", "Tỉnh Thử", "--locality", f"xã {number:03d}"], env)
            _in_process(["access", "grant", role, "--campaign", name], env)
        _in_process(["access", "grant", province_role, "--campaign", "Tỉnh Thử", "--read-only"], env)
        facts["setup_seconds"] = round(time.perf_counter() - started, 1)

        def role_env(role: str) -> dict[str, str]:
            return {**env, "CAMPAIGN_DB": re.sub(r"://[^@/]*@", f"://{role}@", schema_url), "CAMPAIGN_USER": ""}

        # -- 1. N secretaries at once ----------------------------------------------------------
        times: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()
        gate = threading.Barrier(communes)

        def secretary(role: str) -> None:
            role_environment = {**os.environ, **role_env(role)}
            gate.wait()
            for number in range(entries):
                began = time.perf_counter()
                done = subprocess.run(
                    [*campaign, "log", "add", "--type", "poster", "--qty", str(number + 1), "--note", f"lượt {number}"],
                    env=role_environment, capture_output=True, text=True,
                )  # fmt: skip
                elapsed = time.perf_counter() - began
                with lock:
                    times.append(elapsed)
                    if done.returncode != 0:
                        failures.append((done.stderr.strip().splitlines() or ["?"])[0])

        threads = [threading.Thread(target=secretary, args=(role,)) for role in roles]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        per_commune = dict(
            admin.execute(
                f"SELECT c.name, COUNT(a.id) FROM {schema}.campaign c LEFT JOIN {schema}.activity a "
                f"ON a.campaign_id = c.id WHERE c.parent_id IS NOT NULL GROUP BY c.name"
            ).fetchall()
        )
        written = sum(per_commune.values())
        expected = communes * entries
        short = sorted(name for name, count in per_commune.items() if count != entries)
        facts.update(
            written=written, expected=expected, failures=len(failures), wall_seconds=round(wall, 1),
            log_add_median_ms=round(statistics.median(times) * 1000),
            log_add_p95_ms=round(percentile(times, 0.95) * 1000), log_add_max_ms=round(max(times) * 1000),
            communes_short=short[:10],
        )  # fmt: skip
        if failures:
            facts["first_failures"] = sorted(set(failures))[:5]

        # -- 2. the roll-up over communes x rollup_entries entries -------------------------------
        started = time.perf_counter()
        _fill(admin, schema, rollup_entries)
        facts["fill_seconds"] = round(time.perf_counter() - started, 1)
        facts["rollup_total_entries"] = admin.execute(f"SELECT COUNT(*) FROM {schema}.activity").fetchone()[0]
        rollup = {}
        for who, environment in (("province role (RLS)", role_env(province_role)), ("owner", env)):
            samples = []
            for _ in range(runs + 1):  # the first is a warm-up
                began = time.perf_counter()
                done = subprocess.run(
                    [*campaign, "report", "rollup", "--format", "json"], env={**os.environ, **environment},
                    capture_output=True, text=True,
                )  # fmt: skip
                samples.append(time.perf_counter() - began)
                if done.returncode != 0:
                    raise RuntimeError(f"report rollup as {who}: {done.stderr.strip()}")
                children = done.stdout.count('"reported_this_week"')
                if children != communes:
                    raise RuntimeError(f"report rollup as {who} listed {children} communes, not {communes}")
            rollup[who] = round(statistics.median(samples[1:]) * 1000)
        facts["rollup_median_ms"] = rollup
    finally:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")
        for role in [*roles, province_role]:
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.close()
    return _report(facts), facts


def _fill(admin, schema: str, per_commune: int) -> None:
    """Each commune up to ``per_commune`` log entries over phases 1 and 2 and 20 tasks, in a few statements."""
    s = schema
    admin.execute(
        f"INSERT INTO {s}.task (campaign_id, phase_id, title, title_folded, type_id, due, target, status, created_at) "
        f"SELECT c.id, p.id, 'Việc ' || n, 'viec ' || n, t.id, DATE '2026-02-01' + n, 100, "
        "CASE WHEN n % 4 = 0 THEN 'done' ELSE 'todo' END, '2026-01-01T00:00:00+00:00' "
        f"FROM {s}.campaign c JOIN {s}.phase p ON p.campaign_id = c.id AND p.number = 2 "
        f"JOIN {s}.activity_type t ON t.campaign_id = c.id AND t.code = 'poster', generate_series(1, 20) n "
        "WHERE c.parent_id IS NOT NULL"
    )
    admin.execute(
        f"INSERT INTO {s}.activity (campaign_id, on_date, type_id, quantity, place, note, created_at) "
        "SELECT c.id, DATE '2025-11-01' + (n * 7919 % 102), t.id, 1 + n % 9, '', '', '2026-01-01T00:00:00+00:00' "
        f"FROM {s}.campaign c JOIN LATERAL (SELECT COUNT(*) AS have FROM {s}.activity a WHERE a.campaign_id = c.id) h "
        f"ON TRUE JOIN LATERAL (SELECT array_agg(id ORDER BY id) AS ids FROM {s}.activity_type "
        "WHERE campaign_id = c.id) k ON TRUE, "
        f"generate_series(1, {per_commune}) n, LATERAL (SELECT k.ids[1 + n % 19] AS id) t "
        "WHERE c.parent_id IS NOT NULL AND n > h.have"
    )
    admin.execute(f"ANALYZE {s}.activity")


def _report(facts: dict[str, Any]) -> str:
    lines = [
        f"Shared server: {facts['communes']} communes at once, {facts['entries_each']} `log add` each "
        f"(a process each, as the commune's own role, row-level security on)",
        f"  entries written {facts['written']:,} of {facts['expected']:,} expected"
        + (" — nothing lost" if facts["written"] == facts["expected"] else " — ENTRIES MISSING")
        + f"; {facts['failures']} commands failed; all done in {facts['wall_seconds']} s",
        f"  log add: median {facts['log_add_median_ms']:,} ms, 95th percentile {facts['log_add_p95_ms']:,} ms, "
        f"slowest {facts['log_add_max_ms']:,} ms",
    ]
    for line in facts.get("first_failures", []):
        lines.append(f"  failure: {line}")
    if facts["communes_short"]:
        lines.append(f"  communes with a wrong count: {', '.join(facts['communes_short'])}")
    lines.append(
        f"Roll-up over {facts['communes']} communes × {facts['rollup_entries_each']:,} entries "
        f"({facts['rollup_total_entries']:,} in all), 20 tasks each (target under {ROLLUP_SECONDS:.0f} s):"
    )
    for who, ms in facts["rollup_median_ms"].items():
        verdict = "ok" if ms < ROLLUP_SECONDS * 1000 else "OVER TARGET"
        lines.append(f"  report rollup as the {who}: median {ms:,} ms  {verdict}")
    return "\n".join(lines)


if __name__ == "__main__":  # a quick run: python benchmarks/shared.py URL [COMMUNES ENTRIES]
    import sys

    arguments = sys.argv[1:]
    text, _ = run_shared(
        arguments[0], [str(Path(sys.executable).with_name("campaign"))],
        communes=int(arguments[1]) if len(arguments) > 1 else 100,
        entries=int(arguments[2]) if len(arguments) > 2 else 20, base_env={},
    )  # fmt: skip
    print(text)
