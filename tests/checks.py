"""Assertions shared by the test modules (imported as ``from checks import …``)."""


def one_line_error(result) -> str:
    """The promise every failing command keeps: exit 1, one ``Error:`` line, no traceback."""
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


DELETE = object()
"""A value for ``export_document`` that removes the key instead of setting it."""


def export_document(**changes):
    """A minimal valid export (one of everything), changed at dotted paths: ``tasks.0.title="x"``."""
    document = {
        "format": "campaign-export",
        "version": 1,
        "campaign": {"name": "Nhập", "election_day": "2021-05-23"},
        "phases": [{"id": 1, "number": 1, "name": "Đợt 1", "start": "2021-02-01", "end": "2021-04-30"}],
        "units": [{"id": 1, "name": "Đài truyền thanh", "short": "Đài TT"}],
        "members": [{"id": 1, "name": "Nguyễn Văn A", "unit_id": 1}],
        "activity_types": [{"id": 1, "code": "poster", "label_vi": "áp phích", "label_en": "poster", "unit": "tờ"}],
        "tasks": [
            {
                "id": 1,
                "phase_id": 1,
                "title": "Treo áp phích",
                "type_id": 1,
                "assignments": [{"role": "lead", "member_id": 1}],
            }
        ],
        "activities": [{"id": 1, "date": "2021-04-01", "type_id": 1, "quantity": 3, "task_id": 1, "member_id": 1}],
    }
    for path, value in changes.items():
        target = document
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if value is DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value
    return document
