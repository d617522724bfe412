"""campaign unit ... and campaign member ...: end to end, plus the services directly."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from types import SimpleNamespace

import pytest
from conftest import db_rows, db_snapshot, open_database

from campaign_cli.errors import Ambiguous, Conflict, Invalid, NotFound
from campaign_cli.services import members, units
from campaign_cli.services.context import Context
from campaign_cli.storage.db import utc_now

# The sample subcommittee (DOMAIN.md), in the order it is typed in, not the official one.
SUBCOMMITTEE = [
    ("Đỗ Thị Ngọc Ánh", "member"),
    ("Lê Văn Thắng", "member"),
    ("Trần Minh Đức", "secretary"),
    ("Nguyễn Thị Hương", "member"),
    ("Đinh Văn Tuấn", "vice-chair"),
    ("Trần Văn Anh", "member"),
    ("Vũ Đình Khánh", "member"),
    ("Nguyễn Mạnh Hùng", "chair"),
    ("Hoàng Thu Hương", "member"),
    ("Phạm Thị Lan", "vice-chair"),
    ("Lê Thị Ân", "member"),
]
# Role first; then tên, họ, đệm in Vietnamese collation: Anh < Ánh < Ân (a < â,
# tone after letters), and the two Hương are told apart by họ (Hoàng < Nguyễn).
OFFICIAL_ORDER = [
    "Nguyễn Mạnh Hùng",
    "Phạm Thị Lan",
    "Đinh Văn Tuấn",
    "Trần Minh Đức",
    "Trần Văn Anh",
    "Đỗ Thị Ngọc Ánh",
    "Lê Thị Ân",
    "Hoàng Thu Hương",
    "Nguyễn Thị Hương",
    "Vũ Đình Khánh",
    "Lê Văn Thắng",
]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.fixture
def service(fresh, isolated_environment):
    """A services context on the test database, as the CLI would build it."""
    db = open_database(isolated_environment)
    yield Context(db=db, today=dt.date(2021, 4, 15), actor="tester", command="test")
    db.close()


@pytest.fixture
def board(fresh, database_templates):
    """Three units and the sample subcommittee, added through the CLI (built once per worker, then copied)."""

    def build():
        fresh("unit", "add", "Ban Tuyên giáo Huyện ủy", "--short", "BTG Huyện ủy", ok=True)
        fresh("unit", "add", "Trung tâm Văn hóa, Thể thao và Truyền thông huyện", "--short", "Trung tâm VHTT&TT",
              ok=True)  # fmt: skip
        fresh("unit", "add", "Phòng Văn hóa và Thông tin huyện", "--short", "Phòng VH&TT", ok=True)
        for name, role in SUBCOMMITTEE:
            fresh("member", "add", name, "--role", role, ok=True)

    database_templates.load("units-members-board", fresh, build)
    return fresh


def member_id(cli, name: str) -> int:
    return next(row["id"] for row in cli.json("member", "list") if row["name"] == name)


def add_task(service, title: str, *, phase: int = 1, due: dt.date | None = None, status: str = "todo") -> int:
    """A task row written directly (the task commands are not this module's)."""
    phase_id = service.db.scalar(
        "SELECT id FROM phase WHERE campaign_id = ? AND number = ?", (service.campaign_id, phase)
    )
    with service.transaction() as tx:
        return tx.insert(
            "task",
            {
                "campaign_id": service.campaign_id,
                "phase_id": phase_id,
                "title": title,
                "title_folded": title.lower(),
                "due": due,
                "status": status,
                "created_at": utc_now(),
            },
        )


def assign(service, task_id: int, role: str, *, member: int | None = None, unit: int | None = None) -> int:
    with service.transaction() as tx:
        return tx.insert("assignment", {"task_id": task_id, "role": role, "member_id": member, "unit_id": unit})


def log_entry(service, *, member: int | None = None, unit: int | None = None, quantity: float = 1) -> int:
    type_id = service.db.scalar(
        "SELECT id FROM activity_type WHERE campaign_id = ? AND code = 'poster'", (service.campaign_id,)
    )
    with service.transaction() as tx:
        return tx.insert(
            "activity",
            {
                "campaign_id": service.campaign_id,
                "on_date": dt.date(2021, 4, 10),
                "type_id": type_id,
                "quantity": quantity,
                "member_id": member,
                "unit_id": unit,
                "created_at": utc_now(),
            },
        )


def last_changes(db_path) -> list[tuple[str, str, dict | None]]:
    """The rows the last command wrote, as history recorded them for undo."""
    recorded = db_rows(
        db_path,
        "SELECT table_name, action, before_json FROM change "
        "WHERE changeset_id = (SELECT MAX(id) FROM changeset) ORDER BY id",
    )
    return [(table, action, json.loads(before) if before else None) for table, action, before in recorded]


@pytest.fixture
def on_terminal(monkeypatch):
    """Make confirm_removal believe it talks to a terminal; answers come from ``input``."""
    import campaign_cli.cli.common as common

    monkeypatch.setattr(common, "sys", SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True)))


# -- units --------------------------------------------------------------------
def test_unit_add_list_in_vietnamese_order(fresh):
    names = [
        "Ủy ban Mặt trận Tổ quốc Việt Nam huyện",
        "Đài truyền thanh xã Gia Vân",
        "Huyện đoàn Gia Viễn",
        "Ban Tuyên giáo Huyện ủy",
        "Dân vận Huyện ủy",
        "Công an huyện Gia Viễn",
        "Ấp Bắc",
    ]
    for name in names:
        result = fresh("unit", "add", name, ok=True)
        assert result.stderr.startswith("Added unit ")
    listed = fresh.json("unit", "list")
    # a < ă < â < b ... d < đ ... u: not the code-point order Python would use.
    assert [row["name"] for row in listed] == [
        "Ấp Bắc",
        "Ban Tuyên giáo Huyện ủy",
        "Công an huyện Gia Viễn",
        "Dân vận Huyện ủy",
        "Đài truyền thanh xã Gia Vân",
        "Huyện đoàn Gia Viễn",
        "Ủy ban Mặt trận Tổ quốc Việt Nam huyện",
    ]
    assert set(listed[0]) == {"id", "name", "short", "members", "tasks_lead", "tasks_support"}


def test_unit_counts_and_lookup_by_short(board, service):
    unit = units.get_unit(service, "vhtt&tt")  # the abbreviation, folded
    assert unit["name"] == "Trung tâm Văn hóa, Thể thao và Truyền thông huyện"
    board("member", "edit", "tuan", "--unit", "trung tam vhtt", ok=True)
    task = add_task(service, "Pano cổ động")
    other = add_task(service, "Khẩu hiệu")
    assign(service, task, "lead", unit=unit["id"])
    assign(service, other, "support", unit=unit["id"])
    assign(service, task, "support", unit=units.get_unit(service, "BTG")["id"])
    listed = {row["short"]: row for row in board.json("unit", "list")}
    assert listed["Trung tâm VHTT&TT"] == {
        "id": unit["id"],
        "name": "Trung tâm Văn hóa, Thể thao và Truyền thông huyện",
        "short": "Trung tâm VHTT&TT",
        "members": 1,
        "tasks_lead": 1,
        "tasks_support": 1,
    }
    assert listed["BTG Huyện ủy"]["tasks_support"] == 1
    assert listed["Phòng VH&TT"]["members"] == 0


def test_unit_table_csv_and_md(board):
    table = board("unit", "list", ok=True).stdout
    assert "Phòng Văn hóa và Thông tin huyện" in table and "Phòng VH&TT" in table
    csv_lines = board("unit", "list", "--format", "csv", ok=True).stdout.splitlines()
    assert csv_lines[0] == "id,name,short,members,tasks_lead,tasks_support"
    assert csv_lines[1] == "1,Ban Tuyên giáo Huyện ủy,BTG Huyện ủy,0,0,0"
    md = board("unit", "list", "--format", "md", ok=True).stdout
    assert "| 3 | Phòng Văn hóa và Thông tin huyện | Phòng VH&TT |" in md


@pytest.mark.parametrize(
    "args",
    [
        ("unit", "add", "ban tuyen giao huyen uy"),  # same name once folded
        ("unit", "add", "Ban Tuyên Giáo Huyện Ủy", "--short", "BTG"),
        ("unit", "add", "Phòng khác", "--short", "phong vh&tt"),  # abbreviation taken
        ("unit", "add", "   "),
        ("unit", "add", "123"),
        ("unit", "add", "Ban\x1b[31m đỏ"),
        ("unit", "edit", "phong", "--name", "Ban Tuyên giáo Huyện ủy"),
        ("unit", "edit", "phong", "--short", "BTG Huyện ủy"),
        ("unit", "edit", "trung tam", "--name", ""),
        ("unit", "edit", "99", "--name", "Mới"),
        ("unit", "remove", "khong co", "--yes"),
        ("unit", "remove", "huyen", "--yes"),  # ambiguous: every unit here is "huyện"
    ],
)
def test_unit_failures_change_nothing(board, isolated_environment, args):
    before = db_snapshot(isolated_environment)
    result = board.fails(*args)
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert db_snapshot(isolated_environment) == before


def test_unit_duplicate_message_names_the_holder(board):
    result = board.fails("unit", "add", "BAN TUYEN GIAO HUYEN UY")
    assert "unit 1 (Ban Tuyên giáo Huyện ủy) already uses the name or abbreviation" in result.stderr


def test_unit_edit_renames_and_clears_short(board, isolated_environment):
    result = board("unit", "edit", "vh&tt", "--name", "Phòng Văn hóa, Thông tin huyện", "--short", "", ok=True)
    assert result.stderr == "Updated unit 3: Phòng Văn hóa, Thông tin huyện\n"
    assert db_rows(isolated_environment, "SELECT name, short, name_folded FROM unit WHERE id = 3") == [
        ("Phòng Văn hóa, Thông tin huyện", "", "phong van hoa, thong tin huyen")
    ]
    # the old abbreviation is free again, the new name is found without diacritics
    board("unit", "add", "Phòng khác", "--short", "Phòng VH&TT", ok=True)
    assert board.json("member", "list", "--unit", "van hoa, thong tin") == []
    board.fails("unit", "edit", "3", code=2)  # nothing to change is a usage error


def test_unit_remove_detaches_members_and_logs(board, service, isolated_environment):
    board("member", "edit", "hung", "--unit", "btg", ok=True)
    board("member", "edit", "duc", "--unit", "btg", ok=True)
    unit_id = units.get_unit(service, "btg")["id"]
    task = add_task(service, "Tọa đàm")
    assign(service, task, "lead", unit=unit_id)
    assign(service, add_task(service, "Tin bài"), "support", unit=unit_id)
    entry = log_entry(service, unit=unit_id, quantity=40)

    result = board("unit", "remove", "btg", "--yes", ok=True)
    assert result.stderr == (
        "Removed unit 1 (Ban Tuyên giáo Huyện ủy) with 2 task assignments "
        "(kept without the unit: 2 members, 1 log entry).\n"
    )
    assert db_rows(isolated_environment, "SELECT COUNT(*) FROM unit WHERE id = ?", (unit_id,)) == [(0,)]
    assert db_rows(isolated_environment, "SELECT COUNT(*) FROM assignment") == [(0,)]
    assert db_rows(isolated_environment, "SELECT COUNT(*) FROM member WHERE unit_id IS NOT NULL") == [(0,)]
    assert db_rows(isolated_environment, "SELECT unit_id, quantity FROM activity WHERE id = ?", (entry,)) == [
        (None, 40)
    ]
    # every detached or deleted row is in the history, so undo can put it back
    changes = last_changes(isolated_environment)
    assert [(table, action) for table, action, _ in changes] == [
        ("member", "update"),
        ("member", "update"),
        ("assignment", "delete"),
        ("assignment", "delete"),
        ("activity", "update"),
        ("unit", "delete"),
    ]
    assert db_rows(isolated_environment, "SELECT command FROM changeset ORDER BY id DESC LIMIT 1") == [
        ("campaign unit remove btg --yes",)
    ]


def test_unit_remove_asks_on_a_terminal(board, isolated_environment, on_terminal):
    before = db_snapshot(isolated_environment)
    result = board.fails("unit", "remove", "phong", input="n\n")
    assert "Remove unit 3 (Phòng Văn hóa và Thông tin huyện)?" in result.stdout + result.stderr
    assert "Nothing removed." in result.stderr
    assert db_snapshot(isolated_environment) == before
    board("unit", "remove", "phong", input="y\n", ok=True)
    assert [row["id"] for row in board.json("unit", "list")] == [1, 2]


# -- members: adding, listing, showing ---------------------------------------
def test_member_add_and_list_json(fresh):
    fresh("unit", "add", "Trung tâm Văn hóa, Thể thao và Truyền thông huyện", "--short", "Trung tâm VHTT&TT", ok=True)
    result = fresh(
        "member",
        "add",
        "Đinh Văn Tuấn",
        "--role",
        "vice-chair",
        "--title",
        "Phó Giám đốc Trung tâm Văn hóa, Thể thao và Truyền thông huyện",
        "--unit",
        "vhtt",
        "--phone",
        "0229 3800 102",
        "--email",
        "tuan.dv@giavien.example",
        ok=True,
    )
    assert result.stderr == "Added member 1: Đinh Văn Tuấn\n"
    assert result.stdout == ""
    assert fresh.json("member", "list") == [
        {
            "id": 1,
            "name": "Đinh Văn Tuấn",
            "role": "vice-chair",
            "title": "Phó Giám đốc Trung tâm Văn hóa, Thể thao và Truyền thông huyện",
            "unit": "Trung tâm Văn hóa, Thể thao và Truyền thông huyện",
            "unit_id": 1,
            "phone": "0229 3800 102",
            "email": "tuan.dv@giavien.example",
            "tasks_lead": 0,
            "tasks_support": 0,
        }
    ]


def test_member_list_official_order(board):
    listed = board.json("member", "list")
    assert [row["name"] for row in listed] == OFFICIAL_ORDER
    csv_names = [
        line.split(",")[1] for line in board("member", "list", "--format", "csv", ok=True).stdout.splitlines()[1:]
    ]
    assert csv_names == OFFICIAL_ORDER


def test_member_table_shows_readable_roles_csv_keeps_codes(board):
    table = board("member", "list", ok=True).stdout
    assert "Vice-chair" in table and "Secretary" in table
    csv_text = board("member", "list", "--format", "csv", ok=True).stdout
    assert csv_text.splitlines()[0] == "id,name,role,title,unit,phone,email,tasks_lead,tasks_support"
    assert ",vice-chair," in csv_text and "Vice-chair" not in csv_text


def test_member_list_filters(board):
    board(
        "member", "edit", "lan", "--unit", "Phòng VH&TT", "--title", "Trưởng phòng Văn hóa và Thông tin huyện", ok=True
    )
    board("member", "edit", "tuan", "--unit", "vhtt&tt", ok=True)
    names = lambda *args: [row["name"] for row in board.json("member", "list", *args)]  # noqa: E731
    assert names("--role", "vice-chair") == ["Phạm Thị Lan", "Đinh Văn Tuấn"]
    assert names("--role", "CHAIR") == ["Nguyễn Mạnh Hùng"]
    assert names("--unit", "phong vh") == ["Phạm Thị Lan"]
    assert len(names("--unit", "none")) == len(SUBCOMMITTEE) - 2
    assert names("--search", "huong") == ["Hoàng Thu Hương", "Nguyễn Thị Hương"]
    assert names("--search", "TRƯỞNG PHÒNG") == ["Phạm Thị Lan"]  # the title
    assert names("--search", "vhtt") == ["Đinh Văn Tuấn"]  # the unit's abbreviation
    assert names("--search", "the thao") == ["Đinh Văn Tuấn"]
    board.fails("member", "list", "--unit", "khong co")
    board.fails("member", "list", "--role", "boss", code=2)


def test_member_show_with_tasks(board, service):
    lan = member_id(board, "Phạm Thị Lan")
    first = add_task(service, "Treo áp phích", phase=2, due=dt.date(2021, 5, 10), status="doing")
    second = add_task(service, "Tọa đàm ý nghĩa bầu cử", phase=1, due=dt.date(2021, 4, 20))
    third = add_task(service, "Tổng kết", phase=2)
    assign(service, first, "lead", member=lan)
    assign(service, second, "support", member=lan)
    assign(service, third, "support", member=lan)
    shown = board.json("member", "show", "lan")
    assert {key: shown[key] for key in ("id", "name", "role", "unit", "tasks_lead", "tasks_support")} == {
        "id": lan,
        "name": "Phạm Thị Lan",
        "role": "vice-chair",
        "unit": None,
        "tasks_lead": 1,
        "tasks_support": 2,
    }
    # by phase, then due date (none last), then id
    assert shown["tasks"] == [
        {
            "id": second,
            "title": "Tọa đàm ý nghĩa bầu cử",
            "phase": 1,
            "role": "support",
            "status": "todo",
            "due": "2021-04-20",
        },
        {"id": first, "title": "Treo áp phích", "phase": 2, "role": "lead", "status": "doing", "due": "2021-05-10"},
        {"id": third, "title": "Tổng kết", "phase": 2, "role": "support", "status": "todo", "due": None},
    ]
    table = board("member", "show", str(lan), ok=True).stdout
    assert "Phạm Thị Lan" in table and "Treo áp phích" in table and "10/05/2021" in table and "Lead" in table
    assert board.json("member", "list", "--role", "vice-chair")[0]["tasks_support"] == 2


def test_member_show_without_tasks(board):
    result = board("member", "show", "hung", ok=True)
    assert "No tasks assigned." in result.stdout
    assert board.json("member", "show", "hung")["tasks"] == []


# -- members: references --------------------------------------------------------
@pytest.mark.parametrize("ref", ["hung", "HÙNG", "Hùng", nfd("Hùng"), "nguyen manh hung", "  Mạnh  Hùng ", "8"])
def test_member_reference_forms(board, ref):
    assert board.json("member", "show", ref)["name"] == "Nguyễn Mạnh Hùng"


def test_member_ambiguous_reference_lists_candidates(board):
    result = board.fails("member", "show", "nguyen")
    assert "'nguyen' matches several members" in result.stderr
    assert "8 Nguyễn Mạnh Hùng" in result.stderr and "4 Nguyễn Thị Hương" in result.stderr
    assert "use the id" in result.stderr


def test_member_exact_name_beats_partial_matches(board):
    board("member", "add", "Lan", ok=True)  # one-word name, also inside "Phạm Thị Lan"
    assert board.json("member", "show", "lan")["name"] == "Lan"


def test_member_unknown_reference(board):
    assert "no member matches 'xuan'" in board.fails("member", "show", "xuan").stderr
    assert "no member with id 99" in board.fails("member", "show", "99").stderr


def test_namesakes_are_allowed_with_a_note(board):
    result = board("member", "add", "Nguyễn Thị Hương", "--role", "member", ok=True)
    assert "Note: 4 Nguyễn Thị Hương has the same name; refer to these members by id" in result.stderr
    assert board.fails("member", "show", "nguyen thi huong").stderr.startswith(
        "Error: 'nguyen thi huong' matches several"
    )


# -- members: validation and storage form --------------------------------------
def test_member_text_is_stored_nfc_and_folded(fresh, isolated_environment):
    fresh("unit", "add", nfd("Đài truyền thanh xã"), "--short", nfd("Đài TT xã"), ok=True)
    fresh(
        "member",
        "add",
        nfd("Trần  Thị Mai "),
        "--title",
        nfd("Phó Bí thư Đảng ủy xã"),
        "--unit",
        nfd("đài tt"),
        ok=True,
    )
    assert db_rows(isolated_environment, "SELECT name, name_folded, title, unit_id FROM member") == [
        ("Trần Thị Mai", "tran thi mai", "Phó Bí thư Đảng ủy xã", 1)
    ]
    assert db_rows(isolated_environment, "SELECT name, short, name_folded FROM unit") == [
        ("Đài truyền thanh xã", "Đài TT xã", "dai truyen thanh xa | dai tt xa")
    ]
    assert fresh.json("member", "show", "MAI")["unit"] == "Đài truyền thanh xã"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("member", "add", "Ngô Văn Bình", "--email", "binh@"), "does not look like an email address"),
        (("member", "add", "Ngô Văn Bình", "--email", "binh at giavien.vn"), "does not look like an email address"),
        (("member", "add", "Ngô Văn Bình", "--phone", "0229-abc"), "may hold only digits"),
        (("member", "add", "Ngô Văn Bình", "--phone", "()"), "may hold only digits"),
        (("member", "add", "Ngô Văn Bình", "--unit", "khong co"), "no unit matches 'khong co'"),
        (("member", "add", "Ngô Văn Bình", "--unit", "van hoa"), "matches several units"),
        (("member", "add", ""), "may not be empty"),
        (("member", "add", "42"), "cannot be only digits"),
        (("member", "add", "Ngô\u202eVăn"), "bidirectional-control"),
        (("member", "edit", "hung", "--email", "hung@@x.vn"), "does not look like an email address"),
        (("member", "edit", "hung", "--name", "  "), "may not be empty"),
        (("member", "edit", "huong", "--role", "member"), "matches several members"),
        (("member", "edit", "hung", "--unit", "khong co"), "no unit matches"),
        (("member", "remove", "nguyen", "--yes"), "matches several members"),
        (("member", "remove", "77", "--yes"), "no member with id 77"),
    ],
)
def test_member_failures_change_nothing(board, isolated_environment, args, message):
    before = db_snapshot(isolated_environment)
    result = board.fails(*args)
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert db_snapshot(isolated_environment) == before


@pytest.mark.parametrize(
    "args",
    [
        ("member", "add", "Ngô Văn Bình", "--role", "boss"),
        ("member", "add", "Ngô Văn Bình", "--role"),
        ("member", "edit", "hung"),  # nothing to change
        ("member", "edit", "hung", "--role", "president"),
        ("member", "add", "Ngô Văn Bình", "--nickname", "Bình"),
    ],
)
def test_member_usage_errors_exit_2_and_change_nothing(board, isolated_environment, args):
    before = db_snapshot(isolated_environment)
    board.fails(*args, code=2)
    assert db_snapshot(isolated_environment) == before


def test_member_edit(board, isolated_environment):
    board(
        "member",
        "edit",
        "lan",
        "--unit",
        "phong",
        "--phone",
        "0229 3800 103",
        "--email",
        "lan.pt@giavien.example",
        ok=True,
    )
    result = board(
        "member", "edit", "lan", "--name", "Phạm Thị Ngọc Lan", "--role", "member", "--title", "Ủy viên", ok=True
    )
    assert result.stderr == f"Updated member {member_id(board, 'Phạm Thị Ngọc Lan')}: Phạm Thị Ngọc Lan\n"
    shown = board.json("member", "show", "ngoc lan")
    assert (shown["role"], shown["title"], shown["unit"], shown["phone"]) == (
        "member",
        "Ủy viên",
        "Phòng Văn hóa và Thông tin huyện",
        "0229 3800 103",
    )
    # clearing: "" for text, "none" for the unit
    board("member", "edit", "ngoc lan", "--unit", "none", "--title", "", "--email", "", ok=True)
    shown = board.json("member", "show", "ngoc lan")
    assert (shown["unit"], shown["unit_id"], shown["title"], shown["email"], shown["phone"]) == (
        None,
        None,
        "",
        "",
        "0229 3800 103",
    )
    assert db_rows(isolated_environment, "SELECT name_folded FROM member WHERE id = ?", (shown["id"],)) == [
        ("pham thi ngoc lan",)
    ]
    # a chair moves down the list when demoted
    board("member", "edit", "hung", "--role", "member", ok=True)
    assert board.json("member", "list")[0]["name"] == "Đinh Văn Tuấn"
    assert [row["name"] for row in board.json("member", "list", "--role", "chair")] == []


# -- members: removal -------------------------------------------------------------
def test_member_remove_with_assignments(board, service, isolated_environment):
    tuan = member_id(board, "Đinh Văn Tuấn")
    kept = member_id(board, "Phạm Thị Lan")
    task = add_task(service, "Phóng sự về bầu cử")
    assign(service, task, "lead", member=tuan)
    assign(service, add_task(service, "Tin bài"), "support", member=tuan)
    assign(service, task, "support", member=kept)
    entry = log_entry(service, member=tuan, quantity=3)

    result = board("member", "remove", "tuan", "--yes", ok=True)
    assert result.stderr == (
        f"Removed member {tuan} (Đinh Văn Tuấn) with 2 task assignments (kept without the member: 1 log entry).\n"
    )
    assert db_rows(isolated_environment, "SELECT member_id, role FROM assignment") == [(kept, "support")]
    assert db_rows(isolated_environment, "SELECT member_id, quantity FROM activity WHERE id = ?", (entry,)) == [
        (None, 3)
    ]
    assert "Đinh Văn Tuấn" not in [row["name"] for row in board.json("member", "list")]
    changes = last_changes(isolated_environment)
    assert [(table, action) for table, action, _ in changes] == [
        ("assignment", "delete"),
        ("assignment", "delete"),
        ("activity", "update"),
        ("member", "delete"),
    ]
    assert changes[-1][2]["name"] == "Đinh Văn Tuấn"  # what undo puts back


def test_member_remove_without_dependants(board):
    result = board("member", "remove", "khanh", "--yes", ok=True)
    assert result.stderr == "Removed member 7 (Vũ Đình Khánh).\n"
    board.fails("member", "show", "khanh")


def test_member_remove_confirmation_counts(board, service, isolated_environment, on_terminal):
    hung = member_id(board, "Nguyễn Mạnh Hùng")
    assign(service, add_task(service, "Hội nghị quán triệt"), "lead", member=hung)
    log_entry(service, member=hung)
    log_entry(service, member=hung)
    before = db_snapshot(isolated_environment)
    result = board.fails("member", "remove", "hung", input="n\n")
    assert (
        f"Remove member {hung} (Nguyễn Mạnh Hùng) with 1 task assignment (kept without the member: 2 log entries)?"
        in result.stdout + result.stderr
    )
    assert db_snapshot(isolated_environment) == before
    board("member", "remove", "hung", input="y\n", ok=True)
    assert db_rows(isolated_environment, "SELECT COUNT(*) FROM member WHERE id = ?", (hung,)) == [(0,)]


# -- services directly ----------------------------------------------------------
def test_create_inside_a_callers_transaction_rolls_back_together(service):
    with pytest.raises(Invalid, match="email"), service.transaction() as tx:
        unit = units.create_unit(service, tx, name="Huyện đoàn Gia Viễn", short="Huyện đoàn")
        members.create_member(service, tx, name="Hoàng Thu Hương", unit="huyen doan")
        members.create_member(service, tx, name="Lê Văn Thắng", email="not an email")
    assert units.list_units(service) == []
    assert members.list_members(service) == []
    with service.transaction() as tx:
        unit = units.create_unit(service, tx, name="Huyện đoàn Gia Viễn", short="Huyện đoàn")
        member = members.create_member(service, tx, name="Hoàng Thu Hương", role="secretary", unit="huyen doan")
    assert members.member_row(service, member)["unit_id"] == unit
    assert units.list_units(service)[0]["members"] == 1


def test_service_validation_errors(service):
    units.add_unit(service, name="Công an huyện Gia Viễn", short="Công an huyện")
    with pytest.raises(Invalid, match="unknown role 'boss': use one of chair, vice-chair, secretary, member"):
        members.add_member(service, name="Vũ Đình Khánh", role="boss")
    assert members.clean_role(" Vice_Chair ") == "vice-chair"
    with pytest.raises(Conflict):
        units.add_unit(service, name="CONG AN HUYEN GIA VIEN")
    with pytest.raises(NotFound):
        members.get_member(service, "khanh")
    members.add_member(service, name="Vũ Đình Khánh", unit="cong an", phone="+84 (229) 3800-109")
    assert members.add_member(service, name="Vũ Văn Khánh", unit="")["unit_id"] is None  # "" is no unit
    with pytest.raises(Ambiguous, match="1 Vũ Đình Khánh; 2 Vũ Văn Khánh"):
        members.get_member(service, "khanh")
    assert members.get_member(service, "dinh khanh")["phone"] == "+84 (229) 3800-109"


def test_service_edit_keeps_what_is_not_given(service):
    units.add_unit(service, name="Phòng Văn hóa và Thông tin huyện", short="Phòng VH&TT")
    added = members.add_member(
        service, name="Phạm Thị Lan", role="vice-chair", unit="phong", email="lan@giavien.example"
    )
    edited = members.edit_member(service, str(added["id"]), title="Trưởng phòng")
    assert {key: edited[key] for key in ("role", "unit", "email", "title")} == {
        "role": "vice-chair",
        "unit": "Phòng Văn hóa và Thông tin huyện",
        "email": "lan@giavien.example",
        "title": "Trưởng phòng",
    }
    assert members.edit_member(service, "lan", unit=None)["unit_id"] is None
    assert units.edit_unit(service, "vh&tt", short="VH&TT")["short"] == "VH&TT"
    assert units.get_unit(service, "phong van hoa")["short"] == "VH&TT"


def test_undo_puts_back_a_removed_unit_and_member_with_their_rows(sample, isolated_environment):
    """The reason removals write every dependent row through the transaction."""
    data_tables = ("unit", "member", "assignment", "activity", "task")

    def data():
        snapshot = db_snapshot(isolated_environment)
        return {table: snapshot[table] for table in data_tables}

    before = data()
    sample("member", "remove", "tuan", "--yes", ok=True)
    sample("unit", "remove", "vhtt", "--yes", ok=True)
    assert data() != before
    sample("undo", "2", ok=True)
    assert data() == before
