"""Invitations (.eml): structure, REQUEST/CANCEL calendars read back with vobject, only
what changed since a version, privacy, and the organizer rule."""

from __future__ import annotations

import copy
import email
import re
from email import policy

import pytest
import vobject

from exchange_app.domain import Organizer
from exchange_app.errors import InputError
from exchange_app.io.calendar_ics import CalendarContext
from exchange_app.io.invitations import plan_invitations, write_invitations
from tests.io.test_calendar_ics import (
    STAMP,
    build_program,
    build_schedule,
    check_format,
    move_official,
    rfc6868,
)


def read_eml(path):
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def calendar_of(msg):
    """The text/calendar part, checked for CRLF, parsed by vobject with validation."""
    (part,) = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    raw = part.get_payload(decode=True)
    check_format(raw)  # CRLF, folded at 75 octets, VTIMEZONE for each TZID, UTC DTSTAMP
    (cal,) = list(vobject.readComponents(raw.decode("utf-8"), validate=True))
    return part, cal


@pytest.fixture
def program():
    return build_program()


@pytest.fixture
def ctx(program):
    return CalendarContext(program, stamp=STAMP)


def test_one_request_per_person_per_session(program, ctx, tmp_path):
    v1 = build_schedule(program)
    result = write_invitations(ctx, [v1], tmp_path)
    expected = sum(2 + 1 + (1 if s.interpreter else 0) for s in v1.sessions)
    assert len(result.files) == expected == result.counts["invitation"]
    people = {p.id: p for p in program.people()}
    folders = {p.parent for p in result.files}
    assert (
        len(folders)
        == result.people
        == len({pid for s in v1.sessions for pid in [s.host, *s.officials, s.interpreter] if pid})
    )

    for path in result.files:
        msg = read_eml(path)
        assert msg.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/calendar"]
        assert msg["X-Unsent"] == "1"
        assert str(msg["From"]) == '"Program Staff, USICES" <staff@example.org>'
        to = msg["To"].addresses[0]
        person = next(p for p in people.values() if p.email == to.addr_spec)
        assert to.display_name == person.name
        assert path.parent.name.startswith(person.name.replace('"', "_").replace("\\", "_")[:10])
        text = msg.get_body(("plain",)).get_content()
        assert f"Dear {person.name}," in text

        part, cal = calendar_of(msg)
        assert part.get_param("method") == "REQUEST" and part.get_param("charset").lower() == "utf-8"
        assert cal.method.value == "REQUEST"
        assert len(cal.vevent_list) == 1
        ev = cal.vevent
        sid = ev.uid.value.split("@")[0]
        session = v1.sessions_by_id()[sid]
        assert person.id in [session.host, *session.officials, session.interpreter]
        assert ev.organizer.value == "mailto:staff@example.org"
        attendees = {a.value: a.params for a in ev.attendee_list}
        want = {
            f"mailto:{people[pid].email}"
            for pid in [session.host, *session.officials, session.interpreter]
            if pid
        }
        assert set(attendees) == want  # only this session's people: no one else's address
        for params in attendees.values():
            assert params["RSVP"] == ["TRUE"] and params["ROLE"][0] in ("CHAIR", "REQ-PARTICIPANT")
        assert attendees[f"mailto:{people[session.host].email}"]["ROLE"] == ["CHAIR"]
        # Names as typed; a double quote (which a parameter cannot hold) becomes a single one.
        assert {p["CN"][0] for p in attendees.values()} == {
            people[pid].name.replace('"', "'")
            for pid in [session.host, *session.officials, session.interpreter]
            if pid
        }
        assert int(ev.sequence.value) == 0 and ev.status.value == "CONFIRMED"
        raw = path.read_bytes()
        assert b"\n" not in raw.replace(b"\r\n", b"")
        others = {p.email for p in people.values()} - {a[7:] for a in attendees} - {"staff@example.org"}
        decoded = text + part.get_payload(decode=True).decode()
        assert not [e for e in others if e in decoded]


def test_since_version_only_what_changed_for_each_person(program, ctx, tmp_path):
    v1 = build_schedule(program)
    v2 = move_official(v1, "o-1", "s-03", "s-04")
    gone = v2.sessions.pop(v2.sessions.index(v2.sessions_by_id()["s-07"]))
    result = write_invitations(ctx, [v1, v2], tmp_path, since=0)
    seen = {}
    for path in result.files:
        msg = read_eml(path)
        part, cal = calendar_of(msg)
        ev = cal.vevent
        sid = ev.uid.value.split("@")[0]
        to = msg["To"].addresses[0].addr_spec
        seen[(to, sid)] = (
            cal.method.value,
            ev.status.value,
            int(ev.sequence.value),
            msg["Subject"].split(":")[0],
            [a.value for a in ev.attendee_list],
        )
        assert part.get_param("method") == cal.method.value

    def email_of(pid):
        return next(p.email for p in program.people() if p.id == pid)

    # o-1 moved from s-03 to s-04: a roster change. Only o-1 hears about it (a cancellation
    # naming only them, an invitation); SEQUENCE does not rise, nobody else is asked again.
    assert seen[("official1@example.org", "s-03")][:4] == ("CANCEL", "CANCELLED", 0, "Cancelled")
    assert seen[("official1@example.org", "s-03")][4] == ["mailto:official1@example.org"]
    assert seen[("official1@example.org", "s-04")][:4] == ("REQUEST", "CONFIRMED", 0, "Invitation")
    for pid in [gone.host, *gone.officials]:
        method, status, seq, subject, attendees = seen[(email_of(pid), "s-07")]
        assert (method, status, seq, subject) == ("CANCEL", "CANCELLED", 1, "Cancelled")
        assert set(attendees) == {f"mailto:{email_of(x)}" for x in [gone.host, *gone.officials]}
    expected_keys = {("official1@example.org", "s-03"), ("official1@example.org", "s-04")} | {
        (email_of(p), "s-07") for p in [gone.host, *gone.officials]
    }
    assert set(seen) == expected_keys
    assert result.counts == {"new": 1, "cancelled": 1 + len([gone.host, *gone.officials])}

    # Nothing changed: nothing to send.
    assert plan_invitations([v1, v2, copy.deepcopy(v2)], since=1) == []


def test_no_organizer_is_refused_naming_the_field(program, tmp_path):
    program.program.organizer = None
    ctx = CalendarContext(program, stamp=STAMP)
    with pytest.raises(InputError) as err:
        write_invitations(ctx, [build_schedule(program)], tmp_path)
    assert "program, field 'organizer'" in str(err.value)
    assert not list(tmp_path.iterdir())


def test_people_without_email_are_listed_not_written(program, tmp_path):
    program.officials[0].email = None
    ctx = CalendarContext(program, stamp=STAMP)
    result = write_invitations(ctx, [build_schedule(program)], tmp_path)
    assert result.without_email == [program.officials[0].name]
    assert all(read_eml(p)["To"].addresses[0].addr_spec != "" for p in result.files)
    # Their co-participants' invitations no longer list them as an attendee.
    for path in result.files:
        _, cal = calendar_of(read_eml(path))
        assert all(rfc6868(a.params["CN"][0]) != program.officials[0].name for a in cal.vevent.attendee_list)


def test_organizer_who_is_also_a_host_is_not_an_attendee(program, tmp_path):
    program.program.organizer = Organizer(name="Host", email="host-nyc-ny@example.gov")
    ctx = CalendarContext(program, stamp=STAMP)
    result = write_invitations(ctx, [build_schedule(program)], tmp_path)
    for path in result.files:
        _, cal = calendar_of(read_eml(path))
        assert "mailto:host-nyc-ny@example.gov" not in [a.value for a in cal.vevent.attendee_list]


def test_file_names_are_portable(program, ctx, tmp_path):
    result = write_invitations(ctx, [build_schedule(program)], tmp_path)
    for path in result.files:
        for part in path.relative_to(tmp_path).parts:
            assert not re.search(r'[<>:"/\\|?*\x00-\x1f]', part) and not part.endswith((".", " "))
    assert any("李小龍" in p.parent.name for p in result.files)
