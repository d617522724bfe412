"""A Vietnamese campaign speaks Vietnamese everywhere, even on a machine without a Vietnamese locale (issue 12).

Usage errors, ``--as-of`` errors, "matches several campaigns" and "Aborted!"
used to come out in English there: they are printed before the campaign's
language was known. Each test runs ``campaign`` as a new process, the way a
user does, with ``LANG=C.UTF-8`` and no ``CAMPAIGN_LANG``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "CAMPAIGN_LANG"}
    environment.update({"LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8", **(env or {})})
    return subprocess.run([sys.executable, "-m", "campaign_cli", *args], capture_output=True, text=True,
                          encoding="utf-8", env=environment, timeout=120)


@pytest.fixture
def vietnamese(cli):
    made = run("init", "Bầu cử 2026", "--election-day", "15/3/2026", "--locality", "Xã Gia Vân")
    assert made.returncode == 0, made.stderr
    return cli


@pytest.mark.sqlite_only  # PostgreSQL campaigns are asked once the command connects: after parsing
def test_usage_errors_follow_the_campaign(vietnamese):
    result = run("task", "add")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "Cách dùng: campaign task add [TÙY CHỌN] TÊN_VIỆC"
    assert "Lỗi: Thiếu tham số 'TÊN_VIỆC'." in result.stderr
    result = run("task", "list", "--bogus")
    assert result.stderr.splitlines()[-1] == "Lỗi: Không có tùy chọn --bogus"
    helped = run("member", "--help").stdout
    assert helped.startswith("Cách dùng: campaign member [TÙY CHỌN] LỆNH [THAM SỐ]...")


def test_usage_lines_name_arguments_plainly(cli):
    result = cli("task", "add")
    assert "task add [OPTIONS] TITLE\n" in result.stderr and "{TITLE}" not in result.stderr
    assert "init [OPTIONS] [NAME]\n" in cli("init", "--help").stdout


@pytest.mark.sqlite_only
def test_as_of_errors_follow_the_campaign(vietnamese):
    result = run("--as-of", "31/4/2026", "status")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        'Lỗi: --as-of: "31/4/2026" không phải ngày hợp lệ: không có ngày 31 tháng 4; tháng 4 chỉ có 30 ngày'
    )


def test_as_of_errors_follow_the_campaign_in_process(vietnamese, monkeypatch: pytest.MonkeyPatch):
    # The same, on either engine, once the command has opened the database.
    monkeypatch.delenv("CAMPAIGN_LANG")
    result = vietnamese("--as-of", "31/4/2026", "status")
    assert result.exit_code == 1 and result.stderr.startswith("Lỗi: --as-of: ")


def test_several_matching_campaigns_are_named_in_the_campaigns_language(vietnamese, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("CAMPAIGN_LANG")
    monkeypatch.setenv("LANG", "C.UTF-8")
    vietnamese("init", "Bầu cử 2026 bổ sung", "--election-day", "15/3/2026", ok=True)
    result = vietnamese("--campaign", "bau cu", "status")
    assert result.exit_code == 1
    assert result.stderr.startswith("Lỗi: 'bau cu' khớp với nhiều chiến dịch: Bầu cử 2026, Bầu cử 2026 bổ sung")


@pytest.mark.sqlite_only
def test_the_vietnamese_help_writes_hom_qua_with_its_diacritics(vietnamese):
    text = " ".join(run("log", "add", "--help").stdout.split())
    assert "hôm qua" in text and "hom qua" not in text


@pytest.mark.sqlite_only
def test_an_english_campaign_stays_english_on_a_vietnamese_machine(cli):
    made = run("--lang", "en", "init", "Election", "--election-day", "15/3/2026")
    assert made.returncode == 0
    result = run("task", "add", env={"LANG": "vi_VN.UTF-8"})
    assert result.stderr.startswith("Usage: campaign task add [OPTIONS] TITLE")


def test_aborted_is_vietnamese_too(vietnamese):
    """End of input at a confirmation prompt on a terminal: "Aborted!" in the campaign's language."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: campaign on a terminal
        environment = {key: value for key, value in os.environ.items() if key != "CAMPAIGN_LANG"}
        environment["LANG"] = "C.UTF-8"
        os.execvpe(sys.executable, [sys.executable, "-m", "campaign_cli", "phase", "remove", "3"], environment)
    output = b""
    sent = False
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if not sent and b"[y/N]" in output:
            os.write(fd, b"\x04")  # Ctrl-D: end of input
            sent = True
    os.waitpid(pid, 0)
    text = output.decode("utf-8", "replace")
    assert "Đã hủy!" in text and "Aborted!" not in text
