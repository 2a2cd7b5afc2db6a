"""CalDAV publishing against a real Radicale server on loopback, read back with the caldav
client: no duplicates, no stale events, only changed resources touched, cancelled removed,
the password from the keyring and nowhere else."""

from __future__ import annotations

from urllib.parse import unquote

import caldav
import pytest

from exchange_app.cli import main
from exchange_app.services import Workspace
from exchange_app.services.publishing import PublishError, publish_caldav, store_password
from tests.ical_readers import assert_libical_clean
from tests.io.test_calendar_ics import STAMP, build_program, build_schedule, move_official

PASSWORD = "s3cret-pass"


@pytest.fixture
def ws(tmp_path):
    ws = Workspace.open(tmp_path / "p.db")
    yield ws
    ws.close()


def read_back(url: str) -> dict[str, dict[str, str]]:
    """Calendar display name -> {resource name: calendar data}, through the caldav client."""
    client = caldav.DAVClient(url, username="staff", password=PASSWORD)
    out = {}
    for cal in client.principal().calendars():
        out[cal.get_display_name()] = {unquote(str(o.url).rsplit("/", 1)[-1]): o.data for o in cal.events()}
    return out


def uids(data: dict[str, str]) -> list[str]:
    found = []
    for text in data.values():
        found += [line[4:] for line in text.replace("\r\n ", "").splitlines() if line.startswith("UID:")]
    return found


def test_publish_change_and_publish_again(ws, radicale, temp_keyring, tmp_path):
    program = build_program()
    pid = ws.import_scenario(program)
    v1 = build_schedule(program)
    ws.save_schedule(pid, v1, "solve")
    store_password(radicale, "staff", PASSWORD)

    first = publish_caldav(ws, pid, radicale, "staff", stamp=STAMP)
    people = [
        p for p in program.people() if any(p.id in [s.host, *s.officials, s.interpreter] for s in v1.sessions)
    ]
    assert len(first.calendars) == 1 + len(people)
    per_person = sum(
        len([s.host, *s.officials, *([s.interpreter] if s.interpreter else [])]) for s in v1.sessions
    )
    assert (first.created, first.updated, first.deleted) == (len(v1.sessions) + per_person, 0, 0)
    server = read_back(radicale)
    master = server[program.program.name]
    assert sorted(uids(master)) == sorted(f"{s.id}@{first_slug(program)}" for s in v1.sessions)
    assert set(master) == {f"{s.id}@{first_slug(program)}.ics" for s in v1.sessions}  # one name per UID
    for text in master.values():
        assert "METHOD:" not in text and "ATTENDEE" not in text
    assert_libical_clean([t.encode() for t in master.values()])

    # Nothing changed: nothing written.
    again = publish_caldav(ws, pid, radicale, "staff")
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert again.unchanged == first.created

    # o-1 moves from s-03 to s-04; s-02 is cancelled; s-05 moves to another slot.
    v2 = move_official(v1, "o-1", "s-03", "s-04")
    v2.sessions = [s for s in v2.sessions if s.id != "s-02"]
    moved = v2.sessions_by_id()["s-05"]
    moved.slot = next(sl.id for sl in program.slots if sl.id != moved.slot)
    ws.save_schedule(pid, v2, "edit")
    third = publish_caldav(ws, pid, radicale, "staff")
    s2 = v1.sessions_by_id()["s-02"]
    s5 = moved
    # Rewritten where the event's content changed: s-05 (time) and s-03/s-04 (who is in them, in
    # DESCRIPTION), in the master and in the calendars of those still in them; o-1: s-04 added,
    # s-03 gone; s-02 removed from the master and from each of its people's calendars.
    s3, s4 = v2.sessions_by_id()["s-03"], v2.sessions_by_id()["s-04"]
    stayers = len(people_of_session(s3)) + len(people_of_session(s4)) - 1  # o-1 is new in s-04
    assert third.updated == 1 + len(people_of_session(s5)) + 2 + stayers
    assert third.created == 1
    assert third.deleted == 1 + len(people_of_session(s2)) + 1
    server = read_back(radicale)
    master = server[program.program.name]
    assert sorted(uids(master)) == sorted(f"{s.id}@{first_slug(program)}" for s in v2.sessions)
    assert len(uids(master)) == len(set(uids(master)))  # no duplicate
    mine = server[f"{program.program.name}: {program.officials_by_id()['o-1'].name}"]
    want = {f"{s.id}@{first_slug(program)}" for s in v2.sessions if "o-1" in s.officials}
    assert set(uids(mine)) == want and len(uids(mine)) == len(want)
    new_start = next(sl for sl in program.slots if sl.id == moved.slot).start
    text = master[f"s-05@{first_slug(program)}.ics"].replace("\r\n ", "")
    assert f"{new_start:%Y%m%d}" in text and "SEQUENCE:1" in text
    for cal in server.values():  # every calendar: libical, no stale cancelled event anywhere
        assert "STATUS:CANCELLED" not in "".join(cal.values())
    # The password is in the keyring file, not in the database.
    assert PASSWORD.encode() not in (tmp_path / "p.db").read_bytes()


def test_wrong_or_missing_password_is_a_message(ws, radicale, temp_keyring, capsys, tmp_path):
    program = build_program()
    pid = ws.import_scenario(program)
    ws.save_schedule(pid, build_schedule(program), "solve")
    with pytest.raises(PublishError, match="No password for caldav:staff@127.0.0.1"):
        publish_caldav(ws, pid, radicale, "staff")
    store_password(radicale, "staff", "wrong")
    with pytest.raises(PublishError, match="refused user 'staff'"):
        publish_caldav(ws, pid, radicale, "staff")
    # Through the CLI, with the right password in the keyring: a summary; the password is never printed.
    store_password(radicale, "staff", PASSWORD)
    db = str(tmp_path / "p.db")
    assert main(["--db", db, "publish", "caldav", radicale, "--user", "staff"]) == 0
    out = capsys.readouterr()
    assert "Published schedule version 1" in out.out and PASSWORD not in out.out + out.err
    store_password("http://127.0.0.1:9/x/", "staff", PASSWORD)
    assert main(["--db", db, "publish", "caldav", "http://127.0.0.1:9/x/", "--user", "staff"]) == 1
    assert "Cannot reach the CalDAV server" in capsys.readouterr().err


def first_slug(program) -> str:
    from exchange_app.io.calendar_ics import program_slug

    return f"{program_slug(program.program.name)}.exchange-scheduler"


def people_of_session(s) -> list[str]:
    return [s.host, *s.officials, *([s.interpreter] if s.interpreter else [])]
