"""The ``address`` of a site and the ``video_url`` of a host, end to end: a scenario file
imported, stored, exported again; in calendars (LOCATION, URL, CONFERENCE, DESCRIPTION),
invitations, PDF itineraries and the people workbook."""

from __future__ import annotations

import email
import json
from email import policy

import openpyxl
import pypdf
import pytest

from exchange_app.domain import Mode
from exchange_app.errors import InputError
from exchange_app.io.scenario_json import read_scenario, write_scenario
from exchange_app.io.spreadsheets import write_people_workbook
from exchange_app.services import Workspace, import_file
from exchange_app.services.exports import export_ics, export_invitations, export_itineraries
from tests.ical_readers import assert_libical_clean
from tests.io.test_calendar_ics import build_program, build_schedule

ADDRESS = "200 W Washington St, Phoenix, AZ 85003"
LINK = "https://meet.example.org/j/denver-42"


@pytest.fixture
def stored(tmp_path):
    program = build_program()
    program.locations[0].address = ADDRESS
    program.hosts[1].video_url = LINK  # Denver's host
    path = tmp_path / "scenario.json"
    write_scenario(program, path)
    doc = json.loads(path.read_text("utf-8"))
    assert doc["locations"][0]["address"] == ADDRESS and doc["hosts"][1]["video_url"] == LINK
    ws = Workspace.open(tmp_path / "p.db")
    pid = import_file(ws, path).program_id
    schedule = build_schedule(program)
    video = schedule.sessions_by_id()["s-05"]
    video.mode, video.location = Mode.VIRTUAL, None
    ws.save_schedule(pid, schedule, "edit")
    yield ws, pid
    ws.close()


def test_import_store_and_export_keep_address_and_video_link(stored, tmp_path):
    ws, pid = stored
    sc = ws.load_scenario(pid)
    assert sc.locations[0].address == ADDRESS and sc.locations[1].address is None
    assert sc.hosts[1].video_url == LINK and sc.hosts[0].video_url is None
    write_scenario(sc, tmp_path / "again.json")
    back = read_scenario(tmp_path / "again.json")
    assert back.locations == sc.locations and back.hosts == sc.hosts


def test_a_video_link_that_is_not_https_is_refused_at_import(tmp_path):
    program = build_program()
    program.hosts[0].video_url = "http://meet.example.org/x"
    write_scenario(program, tmp_path / "s.json")
    with pytest.raises(InputError) as e:
        read_scenario(tmp_path / "s.json")
    assert "hosts[0] (h-phoenix-az)" in str(e.value) and "video_url" in str(e.value)


def test_calendars_invitations_itineraries_and_sheet_show_them(stored, tmp_path):
    ws, pid = stored
    ics_files = export_ics(ws, pid, tmp_path / "ics").files
    read = assert_libical_clean(ics_files)
    events = {ev["uid"].split("@")[0]: ev for cal in read for ev in cal["events"]}
    assert events["s-01"]["location"] == f"Phoenix, Arizona, {ADDRESS}"
    assert f"Address: {ADDRESS}" in events["s-01"]["description"]
    assert events["s-05"]["url"] == [LINK] and f"Video link: {LINK}" in events["s-05"]["description"]
    master = ics_files[0].read_bytes().decode("utf-8").replace("\r\n ", "")
    assert f"CONFERENCE;FEATURE=VIDEO;LABEL=Video session;VALUE=URI:{LINK}" in master

    inv = export_invitations(ws, pid, tmp_path / "inv").files
    bodies = []
    for path in inv:
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        bodies.append(msg.get_body(("plain",)).get_content())
    assert any(f"Video link: {LINK}" in b for b in bodies)
    assert any(f"Address: {ADDRESS}" in b for b in bodies)

    pdfs = export_itineraries(ws, pid, tmp_path / "pdf").files
    host = next(p for p in pdfs if "h-denver-co" in p.name)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(host).pages)
    assert LINK in text.replace("\n", "")
    phoenix = next(p for p in pdfs if "h-phoenix-az" in p.name)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(phoenix).pages).replace("\n", " ")
    assert "200 W Washington St" in text

    write_people_workbook(ws.load_scenario(pid), tmp_path / "people.xlsx")
    book = openpyxl.load_workbook(tmp_path / "people.xlsx")
    sheet = next(s for s in book.worksheets if "Video link" in [c.value for c in s[1]])
    header = [c.value for c in sheet[1]]
    links = [row[header.index("Video link")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert LINK in links
