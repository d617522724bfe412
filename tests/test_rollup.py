"""``campaign report rollup`` (issue 17): a province's communes, one row each, whose figures
are those each commune's own ``status`` and ``report weekly`` give, on either backend."""

from __future__ import annotations

import csv
import io

import pytest
from checks import one_line_error

PROVINCE = "Tỉnh Ninh Bình"
AS_OF = {"CAMPAIGN_TODAY": "10/2/2026"}  # week 2026-W07, Monday 9/2; phase 2 runs 1/2–15/3
COMMUNES = ("Xã Gia Hưng", "Xã Gia Vân", "Xã Gia Lạc", "Xã Gia Minh")


@pytest.fixture
def province(cli):
    """A province and four communes: one behind, one on track, one silent, one not started."""
    cli("init", PROVINCE, "--election-day", "15/3/2026", "--level", "province", "--locality", "tỉnh Ninh Bình",
        ok=True)  # fmt: skip
    for name in COMMUNES:
        cli("init", name, "--parent", PROVINCE, "--locality", name.replace("Xã", "xã"), ok=True)

    def run(commune, *args):
        cli("--campaign", commune, *args, ok=True, env=AS_OF)

    # Gia Hưng: 5 of 100 posters with a quarter of the phase gone: behind; an overdue task
    run("Gia Hưng", "task", "add", "Treo áp phích", "--phase", "2", "--type", "poster", "--target", "100",
        "--due", "28/2/2026")  # fmt: skip
    run("Gia Hưng", "task", "add", "Họp triển khai", "--phase", "2", "--due", "5/2/2026")
    run("Gia Hưng", "log", "add", "--type", "poster", "--qty", "5", "--task", "1", "--date", "9/2/2026")
    run("Gia Hưng", "log", "add", "--type", "poster", "--qty", "3", "--date", "3/2/2026")  # last week
    # Gia Vân: its task done, broadcasts and posters this week: on track
    run("Gia Vân", "task", "add", "Phát thanh", "--phase", "2", "--type", "broadcast")
    run("Gia Vân", "task", "done", "3")  # task ids are the database's
    run("Gia Vân", "log", "add", "--type", "broadcast", "--qty", "2", "--date", "10/2/2026")
    run("Gia Vân", "log", "add", "--type", "poster", "--qty", "40.5", "--date", "9/2/2026")
    # Gia Lạc: a task done only after the as-of date, nothing logged this week
    cli("--campaign", "Gia Lạc", "task", "add", "Treo băng rôn", "--phase", "2", "--type", "banner", ok=True,
        env=AS_OF)  # fmt: skip
    cli("--campaign", "Gia Lạc", "task", "done", "4", ok=True, env={"CAMPAIGN_TODAY": "12/2/2026"})
    run("Gia Lạc", "log", "add", "--type", "banner", "--qty", "4", "--date", "2/2/2026")
    # Gia Minh: its phases moved to start after the as-of date
    for number, start, end in ((3, "20/3/2026", "30/3/2026"), (2, "1/3/2026", "15/3/2026"),
                               (1, "20/2/2026", "28/2/2026")):  # fmt: skip
        run("Gia Minh", "phase", "edit", str(number), "--start", start, "--end", end)
    return cli


def test_the_json_is_the_contract_and_agrees_with_each_communes_status(province):
    rollup = province.json("report", "rollup", env=AS_OF)
    assert list(rollup) == ["schema_version", "as_of", "week", "campaign", "children", "totals"]
    assert rollup["schema_version"] == 1 and rollup["as_of"] == "2026-02-10" and rollup["week"] == "2026-W07"
    assert rollup["campaign"] == {"name": PROVINCE, "locality": "tỉnh Ninh Bình", "level": "province"}
    assert sorted(child["name"] for child in rollup["children"]) == sorted(COMMUNES)
    for child in rollup["children"]:
        assert list(child) == ["name", "locality", "level", "current_phase", "progress", "time_elapsed", "state",
                               "tasks", "activity", "last_entry", "reported_this_week"]  # fmt: skip
        status = province.json("--campaign", child["name"], "status", env=AS_OF)
        weekly = province.json("--campaign", child["name"], "report", "weekly", env=AS_OF)
        assert child["tasks"] == {key: status["tasks"][key] for key in ("total", "done", "overdue")}
        current = status["current_phase"]
        if current is None:
            assert child["current_phase"] is None and child["progress"] is None
        else:
            assert child["current_phase"] == {"number": current["number"], "name": current["name"]}
            phase = next(phase for phase in status["phases"] if phase["number"] == current["number"])
            assert (child["progress"], child["time_elapsed"]) == (phase["progress"], phase["time_elapsed"])
        assert child["activity"] == [
            {"type": row["type"], "quantity": row["quantity"], "entries": row["entries"]} for row in weekly["activity"]
        ]
        assert child["reported_this_week"] == bool(weekly["activity"])
        assert child["level"] == "commune"


def test_the_figures_states_order_and_totals(province):
    rollup = province.json("report", "rollup", env=AS_OF)
    children = {child["name"]: child for child in rollup["children"]}
    # behind first, the widest gap between time and work first (Gia Lạc: 0 % of work for 23 % of time)
    assert [child["name"] for child in rollup["children"]] == ["Xã Gia Lạc", "Xã Gia Hưng", "Xã Gia Vân",
                                                               "Xã Gia Minh"]  # fmt: skip
    assert {name: child["state"] for name, child in children.items()} == {
        "Xã Gia Hưng": "behind", "Xã Gia Vân": "on_track", "Xã Gia Lạc": "behind", "Xã Gia Minh": "upcoming"}
    assert children["Xã Gia Hưng"]["tasks"] == {"total": 2, "done": 0, "overdue": 1}
    assert children["Xã Gia Hưng"]["progress"] == 0.025  # (5/100 + 0) / 2
    assert children["Xã Gia Hưng"]["activity"] == [{"type": "poster", "quantity": 5, "entries": 1}]
    assert children["Xã Gia Hưng"]["last_entry"] == "2026-02-09"
    assert children["Xã Gia Vân"]["tasks"] == {"total": 1, "done": 1, "overdue": 0}
    # done on 12/2, after the as-of date: still open on 10/2
    assert children["Xã Gia Lạc"]["tasks"] == {"total": 1, "done": 0, "overdue": 0}
    assert children["Xã Gia Lạc"]["reported_this_week"] is False
    assert children["Xã Gia Lạc"]["last_entry"] == "2026-02-02"
    assert children["Xã Gia Minh"]["current_phase"] is None and children["Xã Gia Minh"]["last_entry"] is None
    assert rollup["totals"]["tasks"] == {"total": 4, "done": 1, "overdue": 1}
    assert rollup["totals"]["activity"] == [
        {"type": "broadcast", "label": "radio broadcast", "unit": "lần", "quantity": 2, "entries": 1},
        {"type": "poster", "label": "poster", "unit": "tờ", "quantity": 45.5, "entries": 2},
    ]
    # a week of its own: the last week's entries
    last_week = province.json("report", "rollup", "--week", "2026-W06", env=AS_OF)
    assert last_week["week"] == "2026-W06"
    assert last_week["totals"]["activity"] == [
        {"type": "banner", "label": "banner", "unit": "cái", "quantity": 4, "entries": 1},
        {"type": "poster", "label": "poster", "unit": "tờ", "quantity": 3, "entries": 1},
    ]


def test_entries_after_the_as_of_date_do_not_count(province):
    province("--campaign", "Gia Vân", "log", "add", "--type", "poster", "--qty", "7", "--date", "12/2/2026",
             ok=True, env={"CAMPAIGN_TODAY": "12/2/2026"})  # fmt: skip
    earlier = province.json("report", "rollup", env=AS_OF)
    later = province.json("report", "rollup", env={"CAMPAIGN_TODAY": "12/2/2026"})
    poster = {row["type"]: row["quantity"] for row in earlier["totals"]["activity"]}["poster"]
    assert poster == 45.5
    assert {row["type"]: row["quantity"] for row in later["totals"]["activity"]}["poster"] == 52.5


def test_table_csv_markdown_and_xlsx(province, tmp_path):
    table = province("report", "rollup", ok=True, env=AS_OF).stdout
    assert table.index("xã Gia Lạc") < table.index("xã Gia Hưng") < table.index("xã Gia Vân")
    assert "2 behind · 1 on track · 1 not started · 0 finished" in table
    assert "4 tasks, 1 done, 1 overdue; 2 of 4 reported this week" in table
    rows = list(csv.DictReader(io.StringIO(province("report", "rollup", "--format", "csv", ok=True,
                                                    env=AS_OF).stdout)))  # fmt: skip
    children = [row for row in rows if row["section"] == "children"]
    assert [row["name"] for row in children][0] == "Xã Gia Lạc"
    assert {row["name"]: row["activity.poster"] for row in children}["Xã Gia Vân"] == "40.5"
    markdown = province("report", "rollup", "--format", "md", ok=True, env=AS_OF).stdout
    assert "| xã Gia Minh |" in markdown
    path = tmp_path / "rollup.xlsx"
    province("report", "rollup", "--format", "xlsx", "--output", path, ok=True, env=AS_OF)
    import openpyxl

    cells = [cell.value for sheet in openpyxl.load_workbook(path) for row in sheet.iter_rows() for cell in row]
    assert "xã Gia Lạc" in cells and 40.5 in cells


def test_the_weekly_docx_of_a_province_holds_the_rollup(province, tmp_path):
    import docx

    path = tmp_path / "tuan.docx"
    province("report", "weekly", "--format", "docx", "--output", path, ok=True, env=AS_OF)
    document = docx.Document(str(path))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "TÌNH HÌNH THỰC HIỆN Ở CÁC XÃ" in text
    assert "có 2/4 xã ghi nhận hoạt động; 2 xã chậm tiến độ: xã Gia Lạc, xã Gia Hưng" in text
    table = next(table for table in document.tables if table.rows[0].cells[1].text == "Địa phương")
    assert [row.cells[1].text for row in table.rows[1:]][:2] == ["xã Gia Lạc", "xã Gia Hưng"]
    assert len(table.rows) == 1 + len(COMMUNES)
    # a commune's own weekly report has no such section
    province("--campaign", "Gia Vân", "report", "weekly", "--format", "docx", "--output", tmp_path / "xa.docx",
             ok=True, env=AS_OF)  # fmt: skip
    own = "\n".join(paragraph.text for paragraph in docx.Document(str(tmp_path / "xa.docx")).paragraphs)
    assert "TÌNH HÌNH THỰC HIỆN Ở CÁC" not in own


def test_a_campaign_with_nothing_under_it_says_how_to_file_one(province):
    result = province("--campaign", "Gia Vân", "report", "rollup", ok=True, env=AS_OF)
    assert "No campaign is filed under Xã Gia Vân yet" in result.stdout
    assert province.json("--campaign", "Gia Vân", "report", "rollup", env=AS_OF)["children"] == []
    assert "--week" in one_line_error(province("report", "rollup", "--week", "2026-W99", env=AS_OF))
