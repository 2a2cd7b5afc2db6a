"""Calendars (.ics): instants across the end of DST, format, escaping, UID/SEQUENCE,
cancellations and privacy, read back with vobject (an independent parser) and icalendar."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from exchange_app.domain import (
    Host,
    Interpreter,
    Location,
    Mode,
    Official,
    Organizer,
    PersonKind,
    Program,
    Scenario,
    Schedule,
    Session,
    Slot,
    Topic,
)
from exchange_app.io.calendar_ics import (
    CalendarContext,
    Change,
    changes_for_people,
    master_calendar,
    person_calendar,
    session_states,
    uid_for,
)

UTC = UTC
STAMP = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)

# Names that break naive writers: commas, semicolons, quotes, backslashes, non-Latin scripts.
TRICKY = [
    'O\'Brien, "Jo"; Jr.',
    "Đặng Thị Ngọc Ánh",
    "Иван Петрович; \\ Иванов",
    "محمد بن راشد",
    "李小龍, 陳",
    "Anna-Lena Müller",
]
SITES = [
    ("phoenix-az", "Phoenix, Arizona", "America/Phoenix"),
    ("denver-co", 'Denver; Colorado "HQ"', "America/Denver"),
    ("nyc-ny", "New York, NY \\ Manhattan", "America/New_York"),
]
# One slot on each side of the end of DST (2026-11-01), at 15:00 and 17:00 UTC.
SLOT_STARTS = [
    datetime(2026, 10, 31, 15, tzinfo=UTC),
    datetime(2026, 10, 31, 17, tzinfo=UTC),
    datetime(2026, 11, 2, 15, tzinfo=UTC),
    datetime(2026, 11, 2, 17, tzinfo=UTC),
]


def slot_id(start: datetime) -> str:
    return f"{start:%Y%m%dT%H%M}Z"


def build_program() -> Scenario:
    """A small program over Phoenix, Denver and New York with awkward names."""
    slots = [Slot(id=slot_id(s), start=s, end=s.replace(hour=s.hour + 1)) for s in SLOT_STARTS]
    return Scenario(
        program=Program(
            name='Peer Exchange 2026, "Fall"; Test',
            timezone="America/New_York",
            organizer=Organizer(name="Program Staff, USICES", email="staff@example.org"),
        ),
        topics=[
            Topic(id="tabulation", name='Tabulation; audits, "risk-limiting"'),
            Topic(id="security", name="Безопасность \\ security"),
        ],
        locations=[Location(id=i, name=n, timezone=z) for i, n, z in SITES],
        slots=slots,
        officials=[
            Official(
                id=f"o-{k}",
                name=name,
                email=f"official{k}@example.org",
                country=c,
                organization=f'Commission {c}, "{k}"',
                languages=["en"],
                interests={"tabulation": 2, "security": 1},
            )
            for k, (name, c) in enumerate(zip(TRICKY, ["IE", "VN", "RU", "AE", "TW", "DE"], strict=False), 1)
        ],
        hosts=[
            Host(
                id=f"h-{i}",
                name=f"Host of {n}",
                email=f"host-{i}@example.gov",
                location=i,
                organization="County",
                expertise=["tabulation", "security"],
                languages=["en"],
                virtual=True,
            )
            for i, n, _ in SITES
        ],
        interpreters=[
            Interpreter(id="i-1", name="Ana Lima", email="ana@example.com", languages=["en", "pt"])
        ],
    )


def build_schedule(scenario: Scenario) -> Schedule:
    """One session per site and slot; officials in fixed pairs."""
    sessions = []
    n = 0
    for site, _, _ in SITES:
        for slot in scenario.slots:
            n += 1
            pair = [f"o-{1 + (n % 3) * 2}", f"o-{2 + (n % 3) * 2}"]
            sessions.append(
                Session(
                    id=f"s-{n:02d}",
                    host=f"h-{site}",
                    slot=slot.id,
                    topic="tabulation",
                    language="en",
                    officials=pair,
                    mode=Mode.IN_PERSON,
                    location=site,
                    interpreter="i-1" if n == 1 else None,
                )
            )
    return Schedule(sessions=sessions)


def parse_vobject(data: bytes):
    """All VCALENDARs in ``data``, read and validated by vobject."""
    return list(vobject.readComponents(data.decode("utf-8"), validate=True))


def rfc6868(value: str) -> str:
    """Decode a parameter value (vobject does not apply RFC 6868 caret escapes)."""
    return re.sub(r"\^(['n^])", lambda m: {"'": '"', "n": "\n", "^": "^"}[m.group(1)], value)


def events_by_uid(cal) -> dict:
    return {ev.uid.value: ev for ev in cal.contents.get("vevent", [])}


def check_format(data: bytes) -> None:
    """CRLF everywhere, lines of at most 75 octets, a VTIMEZONE for every TZID, UTC DTSTAMP."""
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines), max(lines, key=len)
    text = data.decode("utf-8")
    unfolded = text.replace("\r\n ", "").replace("\r\n", "\n")
    used = set(re.findall(r";TZID=([^:;]+)", unfolded))
    defined = set(re.findall(r"^TZID:(.+)$", unfolded, re.M))
    assert used and used <= defined
    stamps = re.findall(r"^DTSTAMP(.*)$", unfolded, re.M)
    assert stamps and all(re.fullmatch(r":\d{8}T\d{6}Z", s) for s in stamps)


@pytest.fixture
def program() -> Scenario:
    return build_program()


@pytest.fixture
def ctx(program) -> CalendarContext:
    return CalendarContext(program, stamp=STAMP)


@pytest.mark.parametrize("tzid", ["America/Phoenix", "America/Denver", "America/New_York"])
def test_sessions_on_each_side_of_dst_end_land_at_the_right_instant(program, ctx, tzid):
    schedule = build_schedule(program)
    data = master_calendar(ctx, session_states([schedule]))
    site = next(i for i, _, z in SITES if z == tzid)
    expected = {
        uid_for(s.id, ctx.slug): program.slots_by_id()[s.slot].start
        for s in schedule.sessions
        if s.location == site
    }
    assert len(expected) == 4

    (cal,) = parse_vobject(data)
    seen = {}
    for uid, ev in events_by_uid(cal).items():
        if uid in expected:
            start = ev.dtstart.value
            assert start.tzinfo is not None
            assert start.utcoffset() == start.astimezone(ZoneInfo(tzid)).utcoffset()
            seen[uid] = start.astimezone(UTC)
            assert ev.dtend.value.astimezone(UTC) - seen[uid] == (
                datetime(2026, 1, 1, 1) - datetime(2026, 1, 1)
            )
    assert seen == expected

    # The second parser agrees, and the wall clock is the site's: 15:00 UTC is 08:00 in
    # Phoenix on both days, 09:00 then 08:00 in Denver, 11:00 then 10:00 in New York.
    wall = {"America/Phoenix": (8, 8), "America/Denver": (9, 8), "America/New_York": (11, 10)}[tzid]
    ical = icalendar.Calendar.from_ical(data)
    hours = sorted(
        (e["DTSTART"].dt.date(), e["DTSTART"].dt.hour)
        for e in ical.walk("VEVENT")
        if str(e["UID"]) in expected and e["DTSTART"].dt.astimezone(UTC).hour == 15
    )
    assert [h for _, h in hours] == list(wall)
    assert all(
        str(e["DTSTART"].params["TZID"]) == tzid for e in ical.walk("VEVENT") if str(e["UID"]) in expected
    )


def test_files_are_crlf_folded_with_vtimezones_and_utc_dtstamp(program, ctx):
    states = session_states([build_schedule(program)])
    check_format(master_calendar(ctx, states))
    for person in program.people():
        data = person_calendar(ctx, person, states)
        check_format(data)
        (cal,) = parse_vobject(data)
        assert cal.method.value == "PUBLISH"


def test_vtimezone_is_narrow(program, ctx):
    data = master_calendar(ctx, session_states([build_schedule(program)])).decode()
    years = {int(y) for y in re.findall(r"^DTSTART:(\d{4})", data, re.M)}
    assert years == {2026}


def test_awkward_names_and_texts_come_through_unchanged(program, ctx):
    schedule = build_schedule(program)
    schedule.sessions[0].topic = "security"
    states = session_states([schedule])
    (cal,) = parse_vobject(master_calendar(ctx, states))
    for ev in cal.vevent_list:
        assert "attendee" not in ev.contents  # PUBLISH: people are in the description
        assert ev.organizer.params["CN"][0] == "Program Staff, USICES"
    descriptions = "\n".join(e.description.value for e in cal.vevent_list)
    assert all(name in descriptions for name in TRICKY)
    ev = events_by_uid(cal)[uid_for("s-01", ctx.slug)]
    assert ev.summary.value == "Безопасность \\ security with Host of Phoenix, Arizona"
    assert ev.location.value == "Phoenix, Arizona"
    desc = ev.description.value
    assert (
        'O\'Brien, "Jo"; Jr. (IE)' in desc
        or "Đặng Thị Ngọc Ánh (VN)" in desc
        or "Иван Петрович; \\ Иванов (RU)" in desc
    )
    assert "Ana Lima (en, pt)" in desc
    denver = events_by_uid(cal)[uid_for("s-05", ctx.slug)]
    assert denver.location.value == 'Denver; Colorado "HQ"'
    assert denver.summary.value == 'Tabulation; audits, "risk-limiting" with Host of Denver; Colorado "HQ"'
    for official in program.officials:
        line = f"{official.name} ({official.country}), {official.organization}"
        assert any(line in e.description.value for e in cal.vevent_list), line


def test_organizer_is_never_an_attendee(program):
    program.program.organizer = Organizer(name="Host of Denver", email="HOST-denver-co@example.gov")
    ctx = CalendarContext(program, stamp=STAMP)
    data = master_calendar(ctx, session_states([build_schedule(program)]))
    (cal,) = parse_vobject(data)
    for ev in cal.vevent_list:
        assert ev.organizer.value.lower() == "mailto:host-denver-co@example.gov"
        assert all(a.value.lower() != ev.organizer.value.lower() for a in ev.contents.get("attendee", []))


def test_person_calendar_holds_only_their_sessions_and_co_participants(program, ctx):
    schedule = build_schedule(program)
    states = session_states([schedule])
    person = program.officials_by_id()["o-1"]
    mine = [s for s in schedule.sessions if "o-1" in s.officials]
    officials = program.officials_by_id()
    allowed = {officials[o].name for s in mine for o in s.officials}
    data = person_calendar(ctx, person, states)
    (cal,) = parse_vobject(data)
    assert {e.uid.value for e in cal.vevent_list} == {uid_for(s.id, ctx.slug) for s in mine}
    text = "\n".join(e.description.value for e in cal.vevent_list)
    assert all(name in text for name in allowed)
    others = {o.name for o in program.officials} - allowed
    assert others  # someone in the program is not in o-1's sessions...
    assert not [n for n in others if n in text]  # ...and their name is nowhere in o-1's calendar
    raw = data.decode()
    assert not [p.email for p in program.people() if p.email and p.email in raw]  # no addresses at all


# --------------------------------------------------------------------------- versions


def move_official(schedule: Schedule, official: str, src: str, dst: str) -> Schedule:
    new = copy.deepcopy(schedule)
    by_id = new.sessions_by_id()
    by_id[src].officials.remove(official)
    by_id[dst].officials.append(official)
    return new


def sequences(data: bytes) -> dict[str, tuple[int, str]]:
    (cal,) = parse_vobject(data)
    return {e.uid.value: (int(e.sequence.value), e.status.value) for e in cal.vevent_list}


def test_reexport_of_unchanged_schedule_keeps_uid_and_sequence(program):
    v1 = build_schedule(program)
    first = sequences(master_calendar(CalendarContext(program, stamp=STAMP), session_states([v1])))
    later = CalendarContext(program, stamp=datetime(2026, 10, 25, tzinfo=UTC))
    again = sequences(master_calendar(later, session_states([v1, copy.deepcopy(v1)])))
    assert first == again
    assert set(first.values()) == {(0, "CONFIRMED")}


def test_moving_one_official_raises_no_sequence(program, ctx):
    """A roster change is not a change of the meeting: SEQUENCE stays (clients would
    otherwise ask everyone in both sessions to accept again)."""
    v1 = build_schedule(program)
    v2 = move_official(v1, "o-1", "s-03", "s-04")
    before = sequences(master_calendar(ctx, session_states([v1])))
    after = sequences(master_calendar(ctx, session_states([v1, v2])))
    assert before == after
    # Pins are not something a person notices.
    v3 = copy.deepcopy(v2)
    v3.sessions[0].pinned = list(v3.sessions[0].officials)
    assert sequences(master_calendar(ctx, session_states([v1, v2, v3]))) == after


@pytest.mark.parametrize(
    "change, raises",
    [
        ("slot", True),
        ("location", True),
        ("topic", True),
        ("mode", True),
        ("language", False),
        ("host", False),
        ("interpreter", False),
    ],
)
def test_sequence_rises_for_time_place_mode_or_topic_only(program, change, raises):
    v1 = build_schedule(program)
    v2 = copy.deepcopy(v1)
    s = v2.sessions_by_id()["s-02"]
    if change == "slot":
        s.slot = slot_id(SLOT_STARTS[3])
    elif change == "location":
        s.location = "denver-co"
    elif change == "topic":
        s.topic = "security"
    elif change == "language":
        s.language = "es"
    elif change == "host":
        s.host = "h-nyc-ny"
    elif change == "interpreter":
        s.interpreter = "i-1"
    elif change == "mode":
        s.mode, s.location = Mode.VIRTUAL, None
    states = session_states([v1, v2])
    assert states["s-02"].sequence == (1 if raises else 0)
    assert {sid for sid, st in states.items() if st.sequence} == ({"s-02"} if raises else set())


def test_removed_session_is_exported_as_cancellation(program, ctx):
    v1 = build_schedule(program)
    v2 = copy.deepcopy(v1)
    gone = v2.sessions.pop(1)  # s-02
    states = session_states([v1, v2])
    uid = uid_for(gone.id, ctx.slug)
    master = sequences(master_calendar(ctx, states))
    assert master[uid] == (1, "CANCELLED")
    # Exporting the same history again does not raise it further; a third equal version neither.
    assert sequences(master_calendar(ctx, session_states([v1, v2, copy.deepcopy(v2)])))[uid] == (
        1,
        "CANCELLED",
    )
    for oid in gone.officials:
        person = program.officials_by_id()[oid]
        (cal,) = parse_vobject(person_calendar(ctx, person, states))
        ev = events_by_uid(cal)[uid]
        assert ev.status.value == "CANCELLED" and int(ev.sequence.value) == 1
        assert ev.summary.value.startswith("Cancelled: ")
        assert ev.transp.value == "TRANSPARENT"
        assert "attendee" not in ev.contents


def test_person_taken_out_of_a_session_gets_a_cancellation_for_it(program, ctx):
    v1 = build_schedule(program)
    v2 = move_official(v1, "o-1", "s-03", "s-04")
    states = session_states([v1, v2])
    person = program.officials_by_id()["o-1"]
    events = events_by_uid(parse_vobject(person_calendar(ctx, person, states))[0])
    assert events[uid_for("s-03", ctx.slug)].status.value == "CANCELLED"
    assert events[uid_for("s-03", ctx.slug)].transp.value == "TRANSPARENT"
    assert events[uid_for("s-04", ctx.slug)].status.value == "CONFIRMED"
    # Those who stayed in s-03 see it confirmed, same sequence, without o-1 in the description.
    stayer = program.officials_by_id()[next(o for o in v2.sessions_by_id()["s-03"].officials)]
    ev = events_by_uid(parse_vobject(person_calendar(ctx, stayer, states))[0])[uid_for("s-03", ctx.slug)]
    assert ev.status.value == "CONFIRMED" and int(ev.sequence.value) == 0
    assert program.officials_by_id()["o-1"].name not in ev.description.value


def test_session_states_counts_changes_cancellation_and_return():
    s = Session(id="a", host="h", slot="t1", topic="x", language="en", officials=["o1", "o2"])
    moved = copy.deepcopy(s)
    moved.slot = "t2"
    versions = [
        Schedule(sessions=[s]),
        Schedule(sessions=[copy.deepcopy(s)]),
        Schedule(sessions=[moved]),
        Schedule(sessions=[]),
        Schedule(sessions=[]),
        Schedule(sessions=[moved]),
    ]
    expected = [(0, False), (0, False), (1, False), (2, True), (2, True), (3, False)]
    for n, want in enumerate(expected, 1):
        st = session_states(versions[:n])["a"]
        assert (st.sequence, st.cancelled) == want
    # Officials listed in another order are the same session.
    reordered = copy.deepcopy(s)
    reordered.officials.reverse()
    assert session_states([Schedule(sessions=[s]), Schedule(sessions=[reordered])])["a"].sequence == 0


def test_changes_for_people():
    a = Session(id="a", host="h1", slot="t1", topic="x", language="en", officials=["o1", "o2"])
    b = Session(
        id="b", host="h2", slot="t2", topic="x", language="en", officials=["o3", "o4"], interpreter="i1"
    )
    c = Session(id="c", host="h3", slot="t3", topic="x", language="en", officials=["o5", "o6"])
    old = Schedule(sessions=[a, b, c])
    a2 = copy.deepcopy(a)
    a2.officials = ["o1", "o2", "o3"]  # o3 joins a
    b2 = copy.deepcopy(b)
    b2.officials = ["o4", "o7"]  # o3 leaves b, o7 joins
    d = Session(id="d", host="h3", slot="t4", topic="x", language="en", officials=["o5", "o6"])
    new = Schedule(sessions=[a2, b2, d])  # c cancelled, d new
    ch = changes_for_people(old, new)
    O, H, I = PersonKind.OFFICIAL, PersonKind.HOST, PersonKind.INTERPRETER  # noqa: E741
    # A roster change reaches only those who joined or left: o1, o2, h1, o4, h2, i1 hear nothing.
    assert {(O, "o1"), (O, "o2"), (H, "h1"), (O, "o4"), (H, "h2"), (I, "i1")}.isdisjoint(ch)
    assert sorted(ch[(O, "o3")], key=lambda x: x.session_id) == [Change("new", "a"), Change("cancelled", "b")]
    assert ch[(O, "o7")] == [Change("new", "b")]
    assert sorted(ch[(H, "h3")], key=lambda x: x.session_id) == [Change("cancelled", "c"), Change("new", "d")]
    assert sorted(ch[(O, "o5")], key=lambda x: x.session_id) == [Change("cancelled", "c"), Change("new", "d")]
    assert changes_for_people(old, copy.deepcopy(old)) == {}
    # A change of time reaches everyone who stays.
    a3 = copy.deepcopy(a)
    a3.slot = "t9"
    moved = changes_for_people(old, Schedule(sessions=[a3, b, c]))
    assert moved == {k: [Change("changed", "a")] for k in [(H, "h1"), (O, "o1"), (O, "o2")]}
