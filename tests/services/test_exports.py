"""Export services over a real database (Workspace) and through the CLI."""

from __future__ import annotations

import csv
import email
import io
import json
from email import policy

import openpyxl
import pypdf
import pytest
import vobject

from exchange_app.cli import main
from exchange_app.errors import NotFoundError
from exchange_app.io.scenario_json import read_scenario
from exchange_app.services import Workspace
from exchange_app.services.exports import (
    ExportReport,
    export_ics,
    export_invitations,
    export_itineraries,
    export_spreadsheet,
)
from tests.io.test_calendar_ics import STAMP, build_program, build_schedule, move_official


@pytest.fixture
def ws(tmp_path):
    ws = Workspace.open(tmp_path / "p.db")
    yield ws
    ws.close()


@pytest.fixture
def program_id(ws):
    pid = ws.import_scenario(build_program())
    return pid


def save(ws, pid, schedule) -> int:
    return ws.save_schedule(pid, schedule, "edit")


def sequences(path):
    (cal,) = list(vobject.readComponents(path.read_text("utf-8"), validate=True))
    return {e.uid.value: (int(e.sequence.value), e.status.value) for e in cal.vevent_list}


def master(report: ExportReport):
    return next(p for p in report.files if p.name.startswith("All sessions"))


def test_ics_uid_and_sequence_survive_storage_and_reexport(ws, program_id, tmp_path):
    v1 = build_schedule(build_program())
    save(ws, program_id, v1)
    first = export_ics(ws, program_id, tmp_path / "a", stamp=STAMP)
    assert isinstance(first, ExportReport) and "schedule version 1" in first.summary
    assert all(p.exists() for p in first.files)
    assert {p.parent.name for p in first.files[1:]} == {"officials", "hosts", "interpreters"}
    before = sequences(master(first))
    assert len(before) == len(v1.sessions) and {v for v in before.values()} == {(0, "CONFIRMED")}

    # An unchanged schedule saved again and re-exported: no UID or SEQUENCE moves.
    save(ws, program_id, ws.load_schedule(program_id))
    assert sequences(master(export_ics(ws, program_id, tmp_path / "b"))) == before

    # One official moved (a roster change): no SEQUENCE moves.
    save(ws, program_id, move_official(ws.load_schedule(program_id), "o-1", "s-03", "s-04"))
    after = sequences(master(export_ics(ws, program_id, tmp_path / "c")))
    assert after == before

    # Since version 2, only the person who moved gets a new personal calendar.
    since = export_ics(ws, program_id, tmp_path / "d", since_version=2)
    people = {p.stem for p in since.files[1:]}
    assert {stem.rsplit("(", 1)[1].rstrip(")") for stem in people} == {"o-1"}
    assert "since version 2" in since.summary


def test_invitations_since_version(ws, program_id, tmp_path):
    v1 = build_schedule(build_program())
    save(ws, program_id, v1)
    full = export_invitations(ws, program_id, tmp_path / "all", stamp=STAMP)
    assert len(full.files) == sum(
        len([s.host, *s.officials, *([s.interpreter] if s.interpreter else [])]) for s in v1.sessions
    )
    assert "send them from your mail client" in full.summary
    v2 = move_official(v1, "o-1", "s-03", "s-04")
    save(ws, program_id, v2)
    changed = export_invitations(ws, program_id, tmp_path / "changed", since_version=1)
    methods = {}
    for path in changed.files:
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        (part,) = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
        methods.setdefault(part.get_param("method"), []).append(msg["To"].addresses[0].addr_spec)
    assert methods["CANCEL"] == ["official1@example.org"]
    assert "official1@example.org" in methods["REQUEST"]
    assert "1 new" in changed.summary and "1 cancelled" in changed.summary
    nothing = export_invitations(ws, program_id, tmp_path / "none", since_version=2)
    assert nothing.files == [] and "Nothing changed" in nothing.summary


def test_itineraries_and_spreadsheet(ws, program_id, tmp_path):
    sc = build_program()
    save(ws, program_id, build_schedule(sc))
    report = export_itineraries(ws, program_id, tmp_path / "pdf", stamp=STAMP)
    assert len(report.files) == 10 and all(p.suffix == ".pdf" for p in report.files)
    assert pypdf.PdfReader(report.files[0]).pages
    assert report.warnings and "cannot print" in report.summary  # the Arabic and CJK names

    csv_report = export_spreadsheet(ws, program_id, tmp_path / "s.csv")
    rows = list(csv.DictReader(io.StringIO(csv_report.files[0].read_text("utf-8-sig"))))
    assert len(rows) == 37 and "37 rows" in csv_report.summary
    xlsx = export_spreadsheet(ws, program_id, tmp_path / "s.xlsx")
    assert openpyxl.load_workbook(xlsx.files[0]).active.max_row == 38


def test_clear_errors(ws, program_id, tmp_path):
    with pytest.raises(NotFoundError, match="has no schedule yet"):
        export_ics(ws, program_id, tmp_path / "x")
    save(ws, program_id, build_schedule(build_program()))
    with pytest.raises(NotFoundError, match="no schedule version 7"):
        export_invitations(ws, program_id, tmp_path / "x", since_version=7)
    assert not (tmp_path / "x").exists()


def test_every_export_from_the_cli_on_a_sample(tmp_path, small_path, capsys):
    db = str(tmp_path / "p.db")
    assert main(["--db", db, "import", str(small_path)]) == 0
    scenario = read_scenario(small_path)
    # A simple schedule over the sample: each host meets two officials who share a language.
    sessions = []
    for n, host in enumerate(scenario.hosts[:8]):
        officials = [o.id for o in scenario.officials if host.languages[0] in o.languages][2 * n : 2 * n + 2]
        sessions.append(
            {
                "id": f"s-{n}",
                "host": host.id,
                "slot": scenario.slots[n].id,
                "topic": host.expertise[0],
                "language": host.languages[0],
                "officials": officials,
            }
        )
    doc = {"format": "exchange-schedule/1", "program": scenario.program.name, "sessions": sessions}
    (tmp_path / "v1.json").write_text(json.dumps(doc), encoding="utf-8")
    assert main(["--db", db, "import", str(tmp_path / "v1.json")]) == 0
    capsys.readouterr()
    for kind, out in [
        ("ics", "cal"),
        ("invitations", "mail"),
        ("itineraries", "pdf"),
        ("spreadsheet", "s.xlsx"),
    ]:
        assert main(["--db", db, "export", kind, "--out", str(tmp_path / out)]) == 0
        printed = capsys.readouterr().out
        assert printed.startswith("Wrote ") and str(tmp_path / out) in printed
    assert len(list((tmp_path / "cal").rglob("*.ics"))) == 1 + 8 + 16
    assert len(list((tmp_path / "mail").rglob("*.eml"))) == 8 * 3
    assert len(list((tmp_path / "pdf").rglob("*.pdf"))) == 8 + 16
    assert (tmp_path / "s.xlsx").stat().st_size > 0
