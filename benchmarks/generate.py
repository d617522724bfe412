"""Build a synthetic but realistic campaign of any size, fast.

    python benchmarks/generate.py --tasks 10000 --logs 100000 --db bench.db \
        [--taskwarrior-json tasks.json] [--csv logs.csv --csv-rows 100000]

The campaign looks like a district subcommittee's around election day
23/5/2021: the three standard phases, the seeded activity types, 10 units,
50 members with Vietnamese names, N tasks spread over the phases (about 30%
done, due dates inside their phase, one lead and 0-2 supporters each, targets
and themes) and M log entries spread over the campaign's dates, denser in the
peak phase.

Speed: the schema comes from ``storage.schema.create_schema`` (the real DDL,
with every index), then every table is filled by ``executemany`` on the
``Database`` wrapper's own DB-API connection, in one transaction (COPY on
PostgreSQL), with the big tables' secondary indexes built once after the
load. Rows are generated in chunks so memory stays flat. 10,000 tasks and
1,000,000 log entries take about 17 s on a busy 2-vCPU machine.

The generator bypasses the services on purpose, so it writes no history:
``campaign history`` is empty and ``undo`` has nothing to revert. Everything
else (folded columns, ISO ``created_at``, statuses, completion dates) is what
the services would have written. Output is deterministic for a given seed.

Importable: ``generate(db, tasks=..., logs=...)``, ``write_taskwarrior_json``
and ``write_log_csv`` (the smoke test uses them; ``benchmarks/run.py`` runs
this file as a separate process so that it stays small itself).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import json
import os
import random
import re
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from campaign_cli.services.campaigns import (  # noqa: E402
    SEED_ACTIVITY_TYPES,
    activity_type_values,
    new_uid,
    standard_phases,
)
from campaign_cli.services.logs import ACTIVITY_COLUMNS  # noqa: E402
from campaign_cli.services.text import fold  # noqa: E402
from campaign_cli.storage import summary  # noqa: E402
from campaign_cli.storage.db import Database  # noqa: E402
from campaign_cli.vocabulary import default_level  # noqa: E402

ELECTION_DAY = dt.date(2021, 5, 23)
#: Phase 3 has no end date (standard phases); tasks and logs stop this long after election day.
AFTER_ELECTION = dt.timedelta(days=35)
CHUNK = 50_000
#: How the themes of one task are stored in ``task.themes`` (as services/tasks.py does:
#: one per line, since a theme may contain a comma); ``title_folded`` folds title + themes.
THEME_SEPARATOR = "\n"

THEMES = (
    "mục đích, ý nghĩa",
    "bối cảnh cuộc bầu cử",
    "thành tựu của Quốc hội, HĐND",
    "kế thừa, đổi mới hoạt động Quốc hội",
    "lãnh đạo, chỉ đạo của cấp ủy, chính quyền",
    "thi đua, biểu dương",
    "phản bác thông tin sai trái",
)

UNITS = (
    ("Ban Tuyên giáo Huyện ủy", "BTG Huyện ủy"),
    ("Trung tâm Chính trị huyện", "TTCT huyện"),
    ("Trung tâm Văn hóa, Thể thao và Truyền thông huyện", "Trung tâm VHTT&TT"),
    ("Phòng Văn hóa và Thông tin huyện", "Phòng VH&TT"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam huyện", "UBMTTQ huyện"),
    ("Huyện đoàn", "Huyện đoàn"),
    ("Công an huyện", "Công an huyện"),
    ("Văn phòng HĐND và UBND huyện", "VP HĐND-UBND"),
    ("Đài truyền thanh xã Gia Vân", "Đài TT Gia Vân"),
    ("Đài truyền thanh thị trấn Me", "Đài TT thị trấn Me"),
)

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh")
MIDDLE_M = ("Văn", "Mạnh", "Minh", "Đức", "Quang", "Đình", "Hữu", "Xuân", "Công", "Thanh")
MIDDLE_F = ("Thị", "Thu", "Ngọc", "Thanh", "Thị Thu", "Hồng", "Kim", "Minh")
GIVEN_M = (
    "Hùng",
    "Tuấn",
    "Đức",
    "Thắng",
    "Khánh",
    "Vinh",
    "Dũng",
    "Hải",
    "Long",
    "Quân",
    "Sơn",
    "Toàn",
    "Trung",
    "Nghĩa",
    "Phúc",
    "Cường",
    "Hiếu",
    "Bình",
    "Kiên",
    "Lộc",
)
GIVEN_F = (
    "Lan",
    "Hương",
    "Mai",
    "Ánh",
    "Hà",
    "Hạnh",
    "Thủy",
    "Yến",
    "Trang",
    "Nhung",
    "Oanh",
    "Huyền",
    "Loan",
    "Hằng",
    "Phượng",
    "Nga",
    "Duyên",
    "Liên",
)

COMMUNES = (
    "Gia Vân",
    "Gia Hòa",
    "Gia Hưng",
    "Liên Sơn",
    "Gia Thanh",
    "Gia Xuân",
    "Gia Lập",
    "Gia Vượng",
    "Gia Trấn",
    "Gia Thịnh",
    "Gia Phương",
    "Gia Tân",
    "Gia Thắng",
    "Gia Trung",
    "Gia Minh",
    "Gia Lạc",
    "Gia Tiến",
    "Gia Sinh",
    "Gia Phong",
    "thị trấn Me",
)

#: type code -> (task title templates, target range, log quantity range, weight among log entries)
ACTIVITY: dict[str, tuple[tuple[str, ...], tuple[int, int], tuple[int, int], int]] = {
    "conference": (
        ("Hội nghị quán triệt công tác tuyên truyền bầu cử tại {place}", "Hội nghị báo cáo viên về {theme}"),
        (1, 4),
        (1, 1),
        2,
    ),
    "seminar": (("Tọa đàm về {theme}", "Tổ chức tọa đàm với cử tri {place}"), (1, 3), (1, 1), 2),
    "column": (
        ("Chuyên mục “Tiến tới ngày hội non sông” số {n}", "Chuyên đề về {theme} trên bản tin"),
        (2, 12),
        (1, 1),
        3,
    ),
    "news": (("Đưa tin, bài về {theme}", "Tin, bài hoạt động bầu cử tại {place}"), (5, 60), (1, 5), 12),
    "interview": (("Phỏng vấn cử tri {place} về {theme}",), (2, 10), (1, 2), 3),
    "reportage": (("Phóng sự về {theme}",), (1, 6), (1, 1), 2),
    "qa": (("Hỏi - đáp pháp luật bầu cử tại {place}",), (2, 10), (1, 1), 2),
    "broadcast": (
        ("Phát thanh tin bầu cử trên đài {place}", "Tiếp sóng chương trình về {theme}"),
        (20, 120),
        (1, 2),
        14,
    ),
    "candidate-info": (("Giới thiệu danh sách, tiểu sử người ứng cử tại {place}",), (5, 40), (1, 10), 4),
    "slogan": (("Kẻ vẽ khẩu hiệu tuyên truyền tại {place}",), (10, 100), (1, 10), 6),
    "banner": (("Treo băng rôn tuyên truyền bầu cử tại {place}",), (10, 120), (1, 15), 8),
    "panel": (("Dựng pano cổ động tại {place}",), (2, 20), (1, 3), 3),
    "poster": (("Dán áp phích cổ động bầu cử tại {place}",), (50, 500), (3, 60), 10),
    "leaflet": (("Phát tờ rơi về {theme} tại {place}",), (200, 3000), (20, 300), 8),
    "booklet": (("Cấp phát tài liệu hỏi - đáp cho {place}",), (100, 2100), (10, 200), 4),
    "flag": (("Treo cờ Tổ quốc tại {place}",), (50, 400), (5, 60), 6),
    "vehicle": (("Xe cổ động lưu động qua {place}",), (2, 20), (1, 3), 3),
    "online": (
        ("Phản bác thông tin sai trái trên mạng xã hội về {theme}", "Đăng bài trên Zalo, Facebook {place}"),
        (10, 80),
        (1, 6),
        6,
    ),
    "commendation": (("Biểu dương tập thể, cá nhân tiêu biểu tại {place}",), (1, 10), (1, 3), 1),
}

NOTES = (
    "",
    "",
    "",
    "",
    "",
    "",
    "theo kế hoạch",
    "bổ sung",
    "đợt cao điểm",
    "phối hợp đài xã",
    "số liệu báo cáo tuần",
    "cập nhật từ xã",
)
ANNOTATIONS = (
    "Đã báo cáo Trưởng Tiểu ban",
    "Chờ kinh phí in ấn",
    "Phối hợp với đài truyền thanh xã",
    "Đã nhận tài liệu từ Ban Tuyên giáo",
    "Điều chỉnh thời hạn theo chỉ đạo",
)
BLOCK_REASONS = ("Chờ kinh phí in ấn", "Chưa có mẫu pano được duyệt", "Chờ danh sách người ứng cử chính thức")

#: Status mix of the generated tasks (about 30% done).
STATUSES = (("done", 30), ("doing", 25), ("todo", 37), ("blocked", 4), ("cancelled", 4))


@dataclass
class Summary:
    """What was generated: ids and counts, for callers and tests."""

    campaign_id: int
    election_day: dt.date
    phases: list[dict[str, Any]]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    tasks: list[dict[str, Any]] = field(default_factory=list)  # kept only when asked for (Taskwarrior JSON)
    members: list[str] = field(default_factory=list)
    log_span: tuple[dt.date, dt.date] | None = None
    task_ids: range = range(0)


# --------------------------------------------------------------------------- bulk writing
class BulkWriter:
    """Inserts many rows on the Database wrapper's own connection, inside one transaction.

    SQLite: ``executemany`` (parameters rewritten by ``Database.sql``).
    PostgreSQL: ``COPY ... FROM STDIN`` through psycopg, then the id sequences
    are moved past the ids we chose.

    With ``rebuild_indexes`` the table's secondary (non-unique) indexes are
    dropped before the load and created again, from their own DDL, after it:
    building an index once over a million rows is about three times faster
    than keeping it up to date row by row (``task_id`` and ``member_id``
    arrive in random order). Same transaction, so a failure leaves nothing.
    """

    def __init__(self, db: Database):
        self.db = db
        self.conn = db.conn
        self.postgres = db.dialect == "postgresql"

    def next_id(self, table: str) -> int:
        return int(self.db.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {table}")) + 1

    def secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        """(name, CREATE INDEX statement) of the table's non-unique indexes."""
        if self.postgres:
            query = (
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "WHERE t.relname = ? AND t.relnamespace = current_schema()::regnamespace "
                "AND NOT x.indisunique AND NOT x.indisprimary"
            )
        else:
            query = (
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
            )
        return [(name, ddl) for name, ddl in self.db.rows(query, (table,))]

    def insert(
        self, table: str, names: Sequence[str], rows: Iterable[Sequence[Any]], *, rebuild_indexes: bool = False
    ) -> int:
        indexes = self.secondary_indexes(table) if rebuild_indexes else []
        for name, _ddl in indexes:
            self.db.execute(f"DROP INDEX {name}")
        count = self._insert(table, names, rows)
        for _name, ddl in indexes:
            self.db.execute(ddl)
        return count

    def _insert(self, table: str, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        if self.postgres:
            with self.conn.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        statement = self.db.sql(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})")
        iterator = iter(rows)
        while True:
            chunk = list(itertools.islice(iterator, CHUNK))
            if not chunk:
                return count
            self.conn.executemany(statement, chunk)
            count += len(chunk)

    def fix_sequences(self, tables: Iterable[str]) -> None:
        if not self.postgres:
            return
        for table in tables:
            self.db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


# --------------------------------------------------------------------------- the campaign
def member_names(count: int, rng: random.Random) -> list[str]:
    """Distinct Vietnamese full names, none contained in another once folded
    (so any folded name finds exactly one member)."""
    names: list[str] = []
    folded: list[str] = []
    attempts = 0
    while len(names) < count:
        attempts += 1
        if attempts > count * 1000:
            raise ValueError(f"cannot make {count} distinct member names")
        female = rng.random() < 0.45
        name = " ".join(
            (
                rng.choice(FAMILY),
                rng.choice(MIDDLE_F if female else MIDDLE_M),
                rng.choice(GIVEN_F if female else GIVEN_M),
            )
        )
        key = fold(name)
        if any(key in other or other in key for other in folded):
            continue
        names.append(name)
        folded.append(key)
    return names


def phase_spans(phases: Sequence[Any], election_day: dt.date) -> list[tuple[dt.date, dt.date]]:
    return [(plan.start, plan.end or election_day + AFTER_ELECTION) for plan in phases]


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=offset) for offset in range((end - start).days + 1)]


def iso_at(day: dt.date, hour: int, minute: int) -> str:
    """A created_at value as the storage layer writes it (UTC, seconds)."""
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00+00:00"


def generate(
    db: Database,
    *,
    tasks: int,
    logs: int,
    members: int = 50,
    units: int = 10,
    seed: int = 2021,
    election_day: dt.date = ELECTION_DAY,
    name: str | None = None,
    keep_tasks: bool = False,
    fast_load: bool = True,
    linked_share: float = 0.75,
    target_share: float = 0.8,
    places: int = 0,
) -> Summary:
    """Fill ``db`` (created if it holds no schema) with one synthetic campaign.

    ``keep_tasks`` keeps each task as a dict in the summary (for the
    Taskwarrior export). ``linked_share`` of the log entries are linked to a
    task, ``target_share`` of the tasks have a target (the shape of the data).
    ``places`` builds a registry of that many places (one district or
    province, communes of about 20 villages each): the places a task covers
    and the place of most log entries then point at it (issue 16's shape).
    ``fast_load`` turns off foreign-key checks for the bulk load (SQLite;
    PostgreSQL when connected as a superuser); the rows are consistent by
    construction and the smoke test checks it with ``PRAGMA foreign_key_check``.
    """
    from campaign_cli.storage.schema import create_schema, stored_version

    started = time.perf_counter()
    if units > len(UNITS):
        raise ValueError(f"at most {len(UNITS)} units")
    if stored_version(db) is None:
        create_schema(db)
    rng = random.Random(seed)
    writer = BulkWriter(db)
    sqlite_fast = fast_load and db.dialect == "sqlite"
    if sqlite_fast:
        db.execute("PRAGMA foreign_keys = OFF")  # no-op inside a transaction: set before BEGIN
    db.execute("BEGIN IMMEDIATE" if db.dialect == "sqlite" else "BEGIN")
    if fast_load and db.dialect == "postgresql":
        _skip_foreign_key_triggers(db)
    try:
        summary = _fill(
            db,
            writer,
            rng,
            tasks=tasks,
            logs=logs,
            members=members,
            units=units,
            election_day=election_day,
            name=name,
            keep_tasks=keep_tasks,
            linked_share=linked_share,
            target_share=target_share,
            places=places,
        )
        writer.fix_sequences(("campaign", "phase", "unit", "member", "activity_type", "place", "task", "assignment",
                              "task_place", "activity"))
        db.execute("COMMIT")
    except BaseException:
        db._rollback()
        raise
    finally:
        if sqlite_fast:
            db.execute("PRAGMA foreign_keys = ON")
    # No ANALYZE: the product does not run it after its own bulk writes (imports),
    # and its queries are written not to need planner statistics, so a generated
    # database is what `campaign import` leaves behind.
    if db.dialect == "sqlite":
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the file alone is the database: safe to copy
    summary.seconds = time.perf_counter() - started
    return summary


def _skip_foreign_key_triggers(db: Database) -> None:
    """PostgreSQL checks foreign keys with a trigger per row; a superuser may skip them for this load."""
    db.execute("SAVEPOINT replica")
    try:
        db.execute("SET LOCAL session_replication_role = replica")
    except Exception:  # not a superuser: keep the checks
        db.execute("ROLLBACK TO SAVEPOINT replica")
    else:
        db.execute("RELEASE SAVEPOINT replica")


def _fill(
    db: Database,
    writer: BulkWriter,
    rng: random.Random,
    *,
    tasks: int,
    logs: int,
    members: int,
    units: int,
    election_day: dt.date,
    name: str | None,
    keep_tasks: bool,
    linked_share: float = 0.75,
    target_share: float = 0.8,
    places: int = 0,
) -> Summary:
    plans = standard_phases(election_day)
    spans = phase_spans(plans, election_day)
    campaign_start = spans[0][0]
    created_day = campaign_start - dt.timedelta(days=7)

    # campaign ---------------------------------------------------------------------------------
    campaign_id = writer.next_id("campaign")
    name = name or f"Bầu cử đại biểu Quốc hội khóa XV và HĐND các cấp - dữ liệu thử {tasks} nhiệm vụ #{campaign_id}"
    writer.insert(
        "campaign",
        ("id", "name", "locality", "level", "election_day", "lang", "issuing_body", "signer", "place", "created_at",
         "uid"),
        [
            (
                campaign_id,
                name,
                "Huyện Gia Viễn" if default_level(election_day) == "district" else "Xã Gia Vân",
                default_level(election_day).value,  # no districts for elections since 1/7/2025
                election_day,
                "vi",
                "TIỂU BAN THÔNG TIN, TUYÊN TRUYỀN",
                "",
                "Gia Viễn",
                iso_at(created_day, 8, 0),
                new_uid(),
            )
        ],
    )

    # phases -----------------------------------------------------------------------------------
    phase_id0 = writer.next_id("phase")
    phase_rows = [
        (phase_id0 + i, campaign_id, plan.number, plan.name, plan.start, plan.end) for i, plan in enumerate(plans)
    ]
    writer.insert("phase", ("id", "campaign_id", "number", "name", "start_date", "end_date"), phase_rows)
    phases = [
        {"id": row[0], "number": row[2], "name": row[3], "start": spans[i][0], "end": spans[i][1]}
        for i, row in enumerate(phase_rows)
    ]

    # activity types ---------------------------------------------------------------------------
    type_id0 = writer.next_id("activity_type")
    type_ids: dict[str, int] = {}
    type_unit: dict[str, str] = {}
    type_rows = []
    for i, (code, label_vi, label_en, unit) in enumerate(SEED_ACTIVITY_TYPES):
        values = activity_type_values(campaign_id, code, label_vi, label_en, unit)
        type_ids[code] = type_id0 + i
        type_unit[code] = unit
        type_rows.append((type_id0 + i, *values.values()))
    writer.insert("activity_type", ("id", *activity_type_values(campaign_id, "x", "x", "x", "x").keys()), type_rows)

    # units and members --------------------------------------------------------------------------
    unit_id0 = writer.next_id("unit")
    unit_ids = [unit_id0 + i for i in range(units)]
    writer.insert(
        "unit",
        ("id", "campaign_id", "name", "short", "name_folded"),
        [(unit_ids[i], campaign_id, full, short, fold(full)) for i, (full, short) in enumerate(UNITS[:units])],
    )
    member_id0 = writer.next_id("member")
    names = member_names(members, rng)
    member_ids = [member_id0 + i for i in range(members)]
    roles = ["chair", "vice-chair", "vice-chair", "secretary"]
    member_rows = []
    for i, full in enumerate(names):
        role = roles[i] if i < len(roles) else "member"
        unit_id = unit_ids[i % units] if units else None
        title = {"chair": "Trưởng Tiểu ban", "vice-chair": "Phó Trưởng Tiểu ban", "secretary": "Thư ký Tiểu ban"}.get(
            role, "Ủy viên Tiểu ban"
        )
        member_rows.append(
            (
                member_ids[i],
                campaign_id,
                full,
                fold(full),
                role,
                title,
                unit_id,
                f"0229 38{i // 100 % 100:02d} {i % 1000:03d}",
                f"member{i + 1}@giavien.example",
            )
        )
    writer.insert(
        "member",
        ("id", "campaign_id", "name", "name_folded", "role", "title", "unit_id", "phone", "email"),
        member_rows,
    )

    # places --------------------------------------------------------------------------------------
    registry = place_registry(writer, campaign_id, places, election_day, rng)

    # tasks and assignments ----------------------------------------------------------------------
    task_id0 = writer.next_id("task")
    codes = list(ACTIVITY)
    status_names = [status for status, _ in STATUSES]
    status_weights = [weight for _, weight in STATUSES]
    # Phase shares: the peak phase is short but dense.
    phase_of_task = rng.choices(range(len(phases)), weights=(45, 40, 15), k=tasks)
    kept: list[dict[str, Any]] = []
    task_phase_ids: list[list[int]] = [[] for _ in phases]
    parties = [("member", member_id) for member_id in member_ids] + [("unit", unit_id) for unit_id in unit_ids]

    def task_rows() -> Iterator[tuple]:
        for n in range(tasks):
            task_id = task_id0 + n
            p = phase_of_task[n]
            start, end = spans[p]
            code = rng.choice(codes)
            templates, (lo, hi), _, _ = ACTIVITY[code]
            title = rng.choice(templates).format(place=rng.choice(COMMUNES), theme=rng.choice(THEMES), n=n % 12 + 1)
            due = start + dt.timedelta(days=rng.randint(min(7, (end - start).days), (end - start).days))
            status = rng.choices(status_names, status_weights)[0]
            completed_on = None
            if status == "done":
                completed_on = due - dt.timedelta(days=rng.randint(0, min(10, (due - start).days)))
            theme_list = rng.sample(THEMES, rng.randint(1, 3))
            themes = THEME_SEPARATOR.join(theme_list)
            target = float(rng.randint(lo, hi)) if rng.random() < target_share else None
            reason = rng.choice(BLOCK_REASONS) if status == "blocked" else ""
            created = iso_at(
                created_day + dt.timedelta(days=rng.randint(0, max(0, (start - created_day).days))),
                rng.randint(1, 10),
                rng.randint(0, 59),
            )
            task_phase_ids[p].append(task_id)
            if keep_tasks:
                kept.append(
                    {
                        "id": task_id,
                        "title": title,
                        "phase": p,
                        "due": due,
                        "status": status,
                        "completed_on": completed_on,
                        "themes": themes,
                        "created_at": created,
                    }
                )
            yield (
                task_id,
                campaign_id,
                phases[p]["id"],
                title,
                fold(" ".join([title, *theme_list])),
                type_ids[code],
                due,
                target,
                type_unit[code] if target is not None else "",
                themes,
                status,
                reason,
                completed_on,
                created,
            )

    task_count = writer.insert(
        "task",
        (
            "id",
            "campaign_id",
            "phase_id",
            "title",
            "title_folded",
            "type_id",
            "due",
            "target",
            "unit_of_measure",
            "themes",
            "status",
            "reason",
            "completed_on",
            "created_at",
        ),
        task_rows(),
        rebuild_indexes=True,
    )

    assignment_id0 = writer.next_id("assignment")
    counter = itertools.count(assignment_id0)

    def assignment_rows() -> Iterator[tuple]:
        for n in range(tasks):
            chosen = rng.sample(parties, 1 + rng.choice((0, 0, 1, 1, 2)))
            for index, (kind, party_id) in enumerate(chosen):
                role = "lead" if index == 0 else "support"
                yield (
                    next(counter),
                    task_id0 + n,
                    role,
                    party_id if kind == "member" else None,
                    party_id if kind == "unit" else None,
                )

    assignment_count = writer.insert(
        "assignment", ("id", "task_id", "role", "member_id", "unit_id"), assignment_rows(), rebuild_indexes=True
    )
    task_place_count = 0
    if registry.communes:
        task_place_id0 = writer.next_id("task_place")
        place_counter = itertools.count(task_place_id0)

        def task_place_rows() -> Iterator[tuple]:
            # a third of the tasks name the communes they cover: one to five, or all of them
            for n in range(tasks):
                if rng.random() >= 1 / 3:
                    continue
                if rng.random() < 0.1:
                    chosen = registry.communes
                else:
                    chosen = rng.sample(registry.communes, min(len(registry.communes), rng.randint(1, 5)))
                for place_id in chosen:
                    yield next(place_counter), task_id0 + n, place_id

        task_place_count = writer.insert("task_place", ("id", "task_id", "place_id"), task_place_rows(),
                                         rebuild_indexes=True)

    # log entries ---------------------------------------------------------------------------------
    log_start, log_end = campaign_start, spans[-1][1]
    days = days_between(log_start, log_end)
    # Denser in the peak phase and in the last week before the election.
    day_weights = []
    for day in days:
        weight = 1.0
        if spans[1][0] <= day <= spans[1][1]:
            weight = 3.0
        if election_day - dt.timedelta(days=7) <= day <= election_day:
            weight = 5.0
        if day > election_day:
            weight = 0.6
        day_weights.append(weight)
    day_phase = [next((i for i, (s, e) in enumerate(spans) if s <= day <= e), len(spans) - 1) for day in days]
    created_pool = {
        day: [iso_at(day, hour, minute) for hour in (1, 3, 7, 9, 10) for minute in (5, 25, 47)] for day in days
    }
    type_codes = list(ACTIVITY)
    type_weights = [ACTIVITY[code][3] for code in type_codes]
    quantity_ranges = [ACTIVITY[code][2] for code in type_codes]
    type_id_list = [type_ids[code] for code in type_codes]
    texts = [f"xã {commune}" if not commune.startswith("thị") else commune for commune in COMMUNES] + [""] * 5
    # with a registry: (text, place id), most entries at a village, some at a commune, some nowhere;
    # a tenth of the communes (and their villages) get nothing, so the coverage report has gaps
    spots = registry.spots or [(text, None) for text in texts]
    activity_id0 = writer.next_id("activity")

    def activity_rows() -> Iterator[tuple]:
        # Every random column is drawn for a whole chunk at once (``choices`` and
        # ``random`` in bulk are several times cheaper than ``choice`` per row).
        produced = 0
        no_member = member_ids or [None]
        no_unit = unit_ids or [None]
        slots = range(len(next(iter(created_pool.values()))))
        while produced < logs:
            k = min(CHUNK, logs - produced)
            # Sorted by day: logs arrive in date order, like a real campaign's.
            day_index = sorted(rng.choices(range(len(days)), weights=day_weights, k=k))
            kinds = rng.choices(range(len(type_codes)), weights=type_weights, k=k)
            by = rng.choices((0, 1, 2), weights=(80, 12, 8), k=k)  # member, unit, nobody
            rand = rng.random
            linked = [rand() for _ in range(k)]
            amounts = [rand() for _ in range(k)]
            member_pick = rng.choices(no_member, k=k)
            unit_pick = rng.choices(no_unit, k=k)
            place_pick = rng.choices(spots, k=k)
            note_pick = rng.choices(NOTES, k=k)
            slot_pick = rng.choices(slots, k=k)
            for j in range(k):
                index = day_index[j]
                day = days[index]
                kind = kinds[j]
                lo, hi = quantity_ranges[kind]
                candidates = task_phase_ids[day_phase[index]]
                r = linked[j]
                task_id = (
                    candidates[int(r / linked_share * len(candidates))] if candidates and r < linked_share else None
                )
                who = by[j]
                yield (
                    activity_id0 + produced + j,
                    campaign_id,
                    day,
                    type_id_list[kind],
                    float(lo + int(amounts[j] * (hi - lo + 1))),
                    task_id,
                    member_pick[j] if who == 0 else None,
                    unit_pick[j] if who == 1 else None,
                    place_pick[j][0],
                    note_pick[j],
                    created_pool[day][slot_pick[j]],
                    place_pick[j][1],
                )
            produced += k

    # The log's totals (storage/summary.py): like the indexes, computed once after
    # the load rather than row by row by the triggers, in the same transaction.
    summary.drop_triggers(db)
    activity_count = writer.insert(
        "activity",
        ("id", *ACTIVITY_COLUMNS),  # the columns `log add` and `log import` write
        activity_rows(),
        rebuild_indexes=True,
    )
    summary.rebuild(db)
    summary.create_triggers(db)

    return Summary(
        campaign_id=campaign_id,
        election_day=election_day,
        phases=phases,
        counts={
            "phase": len(phase_rows),
            "unit": units,
            "member": members,
            "activity_type": len(type_rows),
            "task": task_count,
            "assignment": assignment_count,
            "activity": activity_count,
            **({"place": len(registry.names), "task_place": task_place_count} if registry.names else {}),
        },
        tasks=kept,
        members=names,
        log_span=(log_start, log_end),
        task_ids=range(task_id0, task_id0 + task_count),
    )


# --------------------------------------------------------------------------- other outputs
@dataclass
class Registry:
    """The generated places: every name by id, the communes, and where entries are logged."""

    names: dict[int, str] = field(default_factory=dict)
    communes: list[int] = field(default_factory=list)
    #: (place text, place id) an entry may carry, weighted by repetition
    spots: list[tuple[str, int | None]] = field(default_factory=list)


def place_registry(writer: BulkWriter, campaign_id: int, count: int, election_day: dt.date,
                   rng: random.Random) -> Registry:
    """``count`` places: a district (a province for elections from 1/7/2025), communes of ~20 villages."""
    registry = Registry()
    if count <= 0:
        return registry
    place_id0 = writer.next_id("place")
    district = default_level(election_day) == "district"
    root = ("Huyện Gia Viễn", "district") if district else ("Tỉnh Ninh Bình", "province")
    communes = max(1, (count - 1) // 21)
    rows = [(place_id0, campaign_id, root[0], fold(root[0]), root[1], None)]
    next_id = place_id0 + 1
    commune_ids = []
    for n in range(communes):
        base = COMMUNES[n % len(COMMUNES)]
        word = "" if base.startswith("thị") else "Xã "
        name = f"{word}{base[:1].upper()}{base[1:]}" + (f" {n // len(COMMUNES) + 1}" if n >= len(COMMUNES) else "")
        rows.append((next_id, campaign_id, name, fold(name), "commune", place_id0))
        commune_ids.append(next_id)
        next_id += 1
    villages: dict[int, list[int]] = {commune: [] for commune in commune_ids}
    for n in range(count - 1 - communes):
        commune = commune_ids[n % communes]
        name = f"Thôn {len(villages[commune]) + 1}"
        rows.append((next_id, campaign_id, name, fold(name), "village", commune))
        villages[commune].append(next_id)
        next_id += 1
    writer.insert("place", ("id", "campaign_id", "name", "name_folded", "kind", "parent_id"), rows,
                  rebuild_indexes=True)
    registry.names = {row[0]: row[2] for row in rows}
    registry.communes = commune_ids
    reached = commune_ids[: max(1, communes - communes // 10)]
    for commune in reached:
        registry.spots.append((registry.names[commune], commune))
        registry.spots += [(registry.names[village], village) for village in villages[commune]]
    registry.spots += [("", None)] * max(1, len(registry.spots) // 10)
    return registry


def ascii_word(text: str) -> str:
    """Folded, with every run of non-alphanumerics made one hyphen: a Taskwarrior-safe word."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def tw_date(day: dt.date, hour: int = 0, minute: int = 0) -> str:
    return f"{day:%Y%m%d}T{hour:02d}{minute:02d}00Z"


#: What each Taskwarrior task carries in the two copies the benchmarks compare with.
TASKWARRIOR_COPIES = {
    "lean": "description, project, due, status, end (Taskwarrior adds uuid, entry and modified on import)",
    "rich": "the lean fields plus uuid, entry (creation), modified, 1-3 tags (the themes) "
    "and 1-2 annotations on 20% of tasks",
}


def taskwarrior_tasks(
    summary: Summary, *, seed: int = 2021, shift_days: int = 0, lean: bool = False
) -> list[dict[str, Any]]:
    """The generated tasks as Taskwarrior import records (needs ``keep_tasks=True``).

    ``lean``: only description, project, due, status and end (TASKWARRIOR_COPIES):
    what a Taskwarrior user tracking the same plan would type; the rich copy
    carries more per task, and ``task summary`` over it takes about twice as
    long, so the two give different ratios for the same ``campaign`` command.

    Taskwarrior has no "as of" date: its reports run up to the real today.
    ``shift_days`` moves every date by that many days, so a campaign measured
    "as of 15/4/2021" can be compared with the same tasks shifted to end
    today (otherwise ``burndown.daily`` would chart every day since 2021).
    """
    rng = random.Random(seed + 1)
    shift = dt.timedelta(days=shift_days)
    projects = [ascii_word(phase["name"]) for phase in summary.phases]
    records = []
    for task in summary.tasks:
        entry = dt.datetime.fromisoformat(task["created_at"]) + shift
        record: dict[str, Any] = {
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "description": task["title"],
            "project": projects[task["phase"]],
            "tags": [ascii_word(theme) for theme in task["themes"].split(THEME_SEPARATOR)],
            "due": tw_date(task["due"] + shift),
            "entry": entry.strftime("%Y%m%dT%H%M%SZ"),
            "status": "completed" if task["status"] == "done" else "pending",
        }
        if task["status"] == "done":
            record["end"] = tw_date(task["completed_on"] + shift, 9, 0)
            record["modified"] = record["end"]
        if rng.random() < 0.2:
            record["annotations"] = [
                {
                    "entry": tw_date(
                        min(task["due"] + shift, entry.date() + dt.timedelta(days=rng.randint(1, 20))), 10, i
                    ),
                    "description": rng.choice(ANNOTATIONS),
                }
                for i in range(rng.randint(1, 2))
            ]
        if lean:
            record = {key: record[key] for key in ("description", "project", "due", "status", "end") if key in record}
        records.append(record)
    return records


def write_taskwarrior_json(
    summary: Summary, path: str | os.PathLike, *, seed: int = 2021, shift_days: int = 0, lean: bool = False
) -> int:
    """One JSON array, the format ``task import FILE`` reads. Returns the number of tasks."""
    records = taskwarrior_tasks(summary, seed=seed, shift_days=shift_days, lean=lean)
    Path(path).write_text(json.dumps(records, ensure_ascii=False, indent=None), encoding="utf-8")
    return len(records)


def write_log_csv(summary: Summary, path: str | os.PathLike, rows: int, *, seed: int = 2022) -> int:
    """A ``campaign log import`` file (header date,type,quantity,member,task,place,note).

    Members are written by name (as a secretary types them, without
    diacritics now and then), tasks by id, dates day first.
    """
    rng = random.Random(seed)
    start, end = summary.log_span or (summary.phases[0]["start"], summary.phases[-1]["end"])
    days = days_between(start, end)
    codes = list(ACTIVITY)
    weights = [ACTIVITY[code][3] for code in codes]
    names = summary.members
    task_ids = summary.task_ids
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(("date", "type", "quantity", "member", "task", "place", "note"))
        for _ in range(rows):
            day = rng.choice(days)
            code = rng.choices(codes, weights)[0]
            lo, hi = ACTIVITY[code][2]
            member = ""
            if names and rng.random() < 0.8:
                member = rng.choice(names)
                if rng.random() < 0.3:
                    member = fold(member)
            task = ""
            if task_ids and rng.random() < 0.5:
                task = str(rng.choice(task_ids))
            out.writerow(
                (
                    f"{day.day}/{day.month}/{day.year}",
                    code,
                    rng.randint(lo, hi),
                    member,
                    task,
                    f"xã {rng.choice(COMMUNES)}",
                    rng.choice(NOTES),
                )
            )
    return rows


def drop_campaign_tables(db: Database) -> None:
    """Every table of the schema, gone (PostgreSQL benchmark databases: ``--force``)."""
    from campaign_cli.storage.tables import metadata

    db.execute("BEGIN")
    for table in reversed(metadata().sorted_tables):
        db.execute(f"DROP TABLE IF EXISTS {table.name} CASCADE")
    db.execute("COMMIT")


# --------------------------------------------------------------------------- command line
def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=10_000, help="number of tasks (default 10000)")
    parser.add_argument("--logs", type=int, default=100_000, help="number of log entries (default 100000)")
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--linked-share", type=float, default=0.75, help="share of entries linked to a task")
    parser.add_argument("--target-share", type=float, default=0.8, help="share of tasks with a target")
    parser.add_argument("--places", type=int, default=0,
                        help="places in the registry (communes of ~20 villages; default 0: place texts only)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--election-day", default=ELECTION_DAY.isoformat(), help="ISO date (default 2021-05-23)")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--db", help="SQLite file to create (must not exist unless --force)")
    target.add_argument("--db-url", help="database URL (sqlite:///PATH or postgresql+psycopg://...)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing SQLite file; on PostgreSQL, DROP the campaign tables first",
    )
    parser.add_argument("--taskwarrior-json", metavar="PATH", help="also write the tasks as Taskwarrior import JSON")
    parser.add_argument(
        "--taskwarrior-lean-json", metavar="PATH", help="also write the lean Taskwarrior copy (TASKWARRIOR_COPIES)"
    )
    parser.add_argument(
        "--taskwarrior-as-of",
        metavar="DATE",
        help="shift the Taskwarrior dates so that this campaign date (ISO) falls on today",
    )
    parser.add_argument("--csv", metavar="PATH", help="also write a `campaign log import` CSV file")
    parser.add_argument("--csv-rows", type=int, default=100_000, help="rows in --csv (default 100000)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    url = args.db or args.db_url
    if args.db:
        path = Path(args.db)
        if path.exists():
            if not args.force:
                print(f"{path} exists: remove it or pass --force", file=sys.stderr)
                return 2
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = Database(url)
    if args.db_url and db.dialect == "postgresql" and args.force:
        drop_campaign_tables(db)
    try:
        summary = generate(
            db,
            tasks=args.tasks,
            logs=args.logs,
            members=args.members,
            units=args.units,
            seed=args.seed,
            election_day=dt.date.fromisoformat(args.election_day),
            keep_tasks=bool(args.taskwarrior_json or args.taskwarrior_lean_json),
            linked_share=args.linked_share,
            target_share=args.target_share,
            places=args.places,
        )
    finally:
        db.close()
    counts = ", ".join(f"{value:,} {key}" for key, value in summary.counts.items())
    print(f"generated campaign {summary.campaign_id} in {summary.seconds:.1f} s: {counts}")
    shift = 0
    if args.taskwarrior_as_of:
        shift = (dt.date.today() - dt.date.fromisoformat(args.taskwarrior_as_of)).days
    for path, lean in ((args.taskwarrior_json, False), (args.taskwarrior_lean_json, True)):
        if path:
            count = write_taskwarrior_json(summary, path, seed=args.seed, shift_days=shift, lean=lean)
            print(f"wrote {count:,} Taskwarrior tasks ({'lean' if lean else 'rich'} copy) to {path}")
    if args.csv:
        write_log_csv(summary, args.csv, args.csv_rows, seed=args.seed + 1)
        print(f"wrote {args.csv_rows:,} log rows to {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
