"""Clean calendar files, read by independent software: libical (check_restrictions()),
vobject and ics.py. The repeated hour, PUBLISH without ATTENDEE, escaping, names as typed,
cancelled events TRANSPARENT, video links and addresses, and people keyed by kind."""

from __future__ import annotations

import copy
import email
from datetime import UTC, datetime, timedelta

import ics
import pytest
import vobject

from exchange_app.domain import Interpreter, Mode, Organizer, Schedule, Session, Slot
from exchange_app.io.calendar_ics import (
    CalendarContext,
    master_calendar,
    person_calendar,
    session_states,
    uid_for,
)
from exchange_app.io.invitations import write_invitations
from tests.ical_readers import assert_libical_clean, libical_read
from tests.io.test_calendar_ics import STAMP, TRICKY, build_program, build_schedule, move_official

NY_FALLBACK = [
    # (slot id, start UTC, end UTC): around 2026-11-01 06:00Z, when New York falls back.
    ("first-0100", datetime(2026, 11, 1, 5, tzinfo=UTC), datetime(2026, 11, 1, 5, 45, tzinfo=UTC)),
    ("second-0100", datetime(2026, 11, 1, 6, tzinfo=UTC), datetime(2026, 11, 1, 6, 45, tzinfo=UTC)),
    ("across", datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
    ("before", datetime(2026, 11, 1, 3, 0, tzinfo=UTC), datetime(2026, 11, 1, 4, 0, tzinfo=UTC)),
]


def fallback_program():
    program = build_program()
    program.slots += [Slot(id=i, start=a, end=b) for i, a, b in NY_FALLBACK]
    return program


def fallback_schedule(program) -> Schedule:
    schedule = build_schedule(program)
    for n, (slot, _, _) in enumerate(NY_FALLBACK):
        schedule.sessions.append(
            Session(
                id=f"ny-{n}",
                host="h-nyc-ny",
                slot=slot,
                topic="security",
                language="en",
                officials=["o-1", "o-2"],
                location="nyc-ny",
            )
        )
    return schedule


def all_calendars(program, versions, stamp=STAMP) -> list[bytes]:
    ctx = CalendarContext(program, stamp=stamp)
    states = session_states(versions)
    return [master_calendar(ctx, states), *(person_calendar(ctx, p, states) for p in program.people())]


def test_every_calendar_passes_libical_check_restrictions_and_has_no_attendee():
    program = fallback_program()
    v1 = fallback_schedule(program)
    v2 = move_official(v1, "o-1", "s-03", "s-04")
    v2.sessions.pop(1)  # cancelled
    calendars = all_calendars(program, [v1, v2])
    read = assert_libical_clean(calendars)
    assert sum(len(c["events"]) for c in read) > 20
    for cal in read:
        for ev in cal["events"]:
            assert ev["attendees"] == []  # RFC 5546: PUBLISH has no ATTENDEE
            assert ev["organizer_cn"] == ["Program Staff, USICES"]
    for data in calendars:
        (cal,) = vobject.readComponents(data.decode(), validate=True)
        assert cal.method.value == "PUBLISH"
        assert all("attendee" not in e.contents for e in cal.vevent_list)
        assert len(ics.Calendar(data.decode()).events) == len(cal.vevent_list)


def test_without_an_organizer_calendars_have_no_method_and_still_pass():
    program = build_program()
    program.program.organizer = None
    read = assert_libical_clean(all_calendars(program, [build_schedule(program)]))
    assert all(ev["organizer_cn"] == [] for cal in read for ev in cal["events"])


def test_repeated_hour_is_written_in_utc_and_every_reader_agrees():
    program = fallback_program()
    schedule = fallback_schedule(program)
    ctx = CalendarContext(program, stamp=STAMP)
    data = master_calendar(ctx, session_states([schedule]))
    expected = {uid_for(f"ny-{n}", ctx.slug): (a, b) for n, (_, a, b) in enumerate(NY_FALLBACK)}

    (lib,) = assert_libical_clean([data])
    got = {ev["uid"]: ev for ev in lib["events"] if ev["uid"] in expected}
    for uid, (a, b) in expected.items():
        assert (got[uid]["start"], got[uid]["end"]) == (a.timestamp(), b.timestamp()), uid
    # In the repeated hour: UTC. Clear of it: the site's own zone, as everywhere else.
    assert [got[u]["start_utc"] for u in expected] == [True, True, True, False]

    (cal,) = vobject.readComponents(data.decode(), validate=True)
    vob = {e.uid.value: e for e in cal.vevent_list}
    for uid, (a, b) in expected.items():
        assert vob[uid].dtstart.value == a and vob[uid].dtend.value == b, uid
    for ev in ics.Calendar(data.decode()).events:
        if ev.uid in expected:
            assert (ev.begin.datetime, ev.end.datetime) == expected[ev.uid], ev.uid
    # Every event of every calendar has a positive length (vobject's view).
    for c in all_calendars(program, [schedule]):
        for ev in next(vobject.readComponents(c.decode())).vevent_list:
            assert ev.dtend.value - ev.dtstart.value >= timedelta(minutes=45)


def test_calendar_name_and_texts_are_escaped_for_every_reader():
    program = build_program()  # 'Peer Exchange 2026, "Fall"; Test'
    calendars = all_calendars(program, [build_schedule(program)])
    read = libical_read(calendars)
    (cal,) = vobject.readComponents(calendars[0].decode(), validate=True)
    assert cal.contents["x-wr-calname"][0].value == program.program.name
    assert read[0]["calname"] == [program.program.name]  # libical reads it back as typed
    assert b'X-WR-CALNAME:Peer Exchange 2026\\, "Fall"\\; Test' in calendars[0]
    person = program.officials[0]
    (mine,) = vobject.readComponents(calendars[1].decode(), validate=True)
    assert mine.contents["x-wr-calname"][0].value == f"{program.program.name}: {person.name}"
    descriptions = {ev["description"] for c in read for ev in c["events"]}
    assert all(any(name in d for d in descriptions) for name in TRICKY)
    locations = {ev["location"] for c in read for ev in c["events"]}
    assert 'Denver; Colorado "HQ"' in locations and "New York, NY \\ Manhattan" in locations


def test_invitation_names_show_as_typed_in_every_reader(tmp_path):
    program = build_program()
    program.program.organizer = Organizer(name='Staff "Desk" ^ Office; Ltd.', email="staff@example.org")
    ctx = CalendarContext(program, stamp=STAMP)
    result = write_invitations(ctx, [build_schedule(program)], tmp_path)  # what the export writes
    assert result.files
    cals = []
    for path in result.files:
        part = email.message_from_bytes(path.read_bytes()).get_payload()[1]
        cals.append(part.get_payload(decode=True))
    read = assert_libical_clean(cals)
    # As typed; a double quote (which a parameter value cannot hold) becomes a single one.
    want = {p.name.replace('"', "'") for p in program.people() if p.email}
    assert "O'Brien, 'Jo'; Jr." in want and "Иван Петрович; \\ Иванов" in want
    lib_cns = {cn for c in read for ev in c["events"] for a in ev["attendees"] for cn in a["cn"]}
    assert lib_cns == want
    vob_cns, ics_cns = set(), set()
    for data in cals:
        (cal,) = vobject.readComponents(data.decode(), validate=True)
        for ev in cal.vevent_list:
            vob_cns |= {a.params["CN"][0] for a in ev.attendee_list}
            assert ev.organizer.params["CN"][0] == "Staff 'Desk' \u02c6 Office; Ltd."
        for ev in ics.Calendar(data.decode()).events:
            ics_cns |= {a.common_name for a in ev.attendees}
    assert vob_cns == want == ics_cns
    assert {ev["organizer_cn"][0] for c in read for ev in c["events"]} == {"Staff 'Desk' \u02c6 Office; Ltd."}


def test_cancelled_events_are_transparent():
    program = build_program()
    v1 = build_schedule(program)
    v2 = move_official(v1, "o-1", "s-03", "s-04")
    v2.sessions.pop(1)
    read = assert_libical_clean(all_calendars(program, [v1, v2]))
    events = [ev for c in read for ev in c["events"]]
    cancelled = [ev for ev in events if ev["status"] == ["CANCELLED"]]
    assert cancelled and all(ev["transp"] == ["TRANSPARENT"] for ev in cancelled)
    assert all(ev["transp"] == ["OPAQUE"] for ev in events if ev["status"] == ["CONFIRMED"])


def test_video_link_and_address_reach_location_url_conference_and_description():
    program = build_program()
    program.locations[0].address = "200 W Washington St, Phoenix, AZ 85003"
    program.hosts[1].video_url = "https://meet.example.org/denver?id=1;2"
    schedule = build_schedule(program)
    video = schedule.sessions_by_id()["s-05"]  # Denver's host
    video.mode, video.location = Mode.VIRTUAL, None
    ctx = CalendarContext(program, stamp=STAMP)
    data = master_calendar(ctx, session_states([schedule]))
    (lib,) = assert_libical_clean([data])
    by_uid = {ev["uid"]: ev for ev in lib["events"]}
    phoenix = by_uid[uid_for("s-01", ctx.slug)]
    assert phoenix["location"] == "Phoenix, Arizona, 200 W Washington St, Phoenix, AZ 85003"
    assert "Address: 200 W Washington St, Phoenix, AZ 85003" in phoenix["description"]
    online = by_uid[uid_for("s-05", ctx.slug)]
    assert online["location"] == "Video session"
    assert online["url"] == ["https://meet.example.org/denver?id=1;2"]
    assert "Video link: https://meet.example.org/denver?id=1;2" in online["description"]
    (cal,) = vobject.readComponents(data.decode(), validate=True)
    ev = {e.uid.value: e for e in cal.vevent_list}[uid_for("s-05", ctx.slug)]
    conf = ev.contents["conference"][0]
    assert conf.value == "https://meet.example.org/denver?id=1;2"
    assert conf.params["FEATURE"] == ["VIDEO"] and conf.params["VALUE"] == ["URI"]
    # A video session whose host has no link says where the link comes from.
    other = copy.deepcopy(schedule)
    s = other.sessions_by_id()["s-09"]
    s.mode, s.location = Mode.VIRTUAL, None
    text = master_calendar(CalendarContext(program, stamp=STAMP), session_states([other])).decode()
    assert "Video link: from the program staff" in text.replace("\r\n ", "")


def test_people_are_keyed_by_kind_not_bare_id():
    """An interpreter whose id is an official's id gets their own sessions only."""
    program = build_program()
    program.interpreters.append(
        Interpreter(id="o-1", name="Same Id Interpreter", email="same-id@example.com", languages=["en", "ru"])
    )
    schedule = build_schedule(program)
    sid = next(s.id for s in schedule.sessions if "o-1" not in s.officials and s.interpreter is None)
    schedule.sessions_by_id()[sid].interpreter = "o-1"
    ctx = CalendarContext(program, stamp=STAMP)
    states = session_states([schedule])
    official = program.officials_by_id()["o-1"]
    interpreter = program.interpreters[-1]
    uids = {}
    for person in (official, interpreter):
        (cal,) = vobject.readComponents(person_calendar(ctx, person, states).decode())
        uids[person.name] = {e.uid.value.split("@")[0] for e in cal.vevent_list}
    assert uids[interpreter.name] == {sid}
    assert uids[official.name] == {s.id for s in schedule.sessions if "o-1" in s.officials}
    assert sid not in uids[official.name]
    (cal,) = vobject.readComponents(master_calendar(ctx, states).decode())
    desc = {e.uid.value.split("@")[0]: e.description.value for e in cal.vevent_list}[sid]
    assert "Interpreter: Same Id Interpreter (en, ru)" in desc and official.name not in desc


@pytest.mark.parametrize("where", ["name", "organizer"])
def test_control_characters_are_refused_before_anything_is_built(where):
    from exchange_app.io.export_check import ExportRefused, check_exportable

    program = build_program()
    if where == "name":
        program.officials[2].name = "Line\r\nBCC: evil@example.org"
        record, field = "officials[2] (o-3)", "name"
    else:
        program.program.organizer = Organizer(name="Staff\nX-Evil: 1", email="staff@example.org")
        record, field = "program.organizer", "name"
    with pytest.raises(ExportRefused) as e:
        check_exportable(program, [build_schedule(program)], "Calendars")
    text = str(e.value)
    assert f"{record}, field '{field}'" in text and "line break" in text and "nothing was written" in text
