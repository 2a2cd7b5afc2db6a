"""iCalendar (RFC 5545) calendars of a schedule: one per person and one master calendar.

* Times are written with the TZID of the session's site (the host's site for video
  sessions) and a VTIMEZONE for every TZID used, generated for the program's dates only
  (a narrow range: the default 1970-2038 range gave VTIMEZONEs other parsers misread).
  A session that starts or ends in a local hour that repeats (clocks fall back) is written
  in UTC instead: a local time there is ambiguous and parsers disagree on it.
* ``METHOD:PUBLISH`` calendars carry no ATTENDEE (RFC 5546 section 3.2.1); the people are
  in DESCRIPTION. Only invitations (``METHOD:REQUEST``/``CANCEL``) name attendees.
* Names in parameters (CN) have no double quote or caret: RFC 6868 would write them as
  ``^'`` and ``^^``, which several readers show literally.
* A cancelled event is ``TRANSP:TRANSPARENT`` (no double booking in clients that ignore STATUS).
* ``UID`` is stable: ``{session id}@{program slug}.exchange-scheduler``.
* ``SEQUENCE`` comes from the stored schedule versions (:func:`session_states`): how many
  times the session's time, place, mode or topic changed (a change of who takes part does
  not raise it; the people who joined or left are told, no one else). A session that is no
  longer in the latest version is written as a cancellation (``STATUS:CANCELLED``, same
  UID, higher SEQUENCE); so is a session a person was taken out of, in that person's own
  calendar.
* Privacy: an event lists only the people of that session, and a person's calendar holds
  only their own sessions.
* People are keyed by (kind, id): an interpreter whose id is also an official's id is a
  different person.

Everything here is pure: domain objects in, ``icalendar`` components or bytes out. The
invitation and itinerary writers reuse :class:`CalendarContext`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration, vText, vUri

from exchange_app.domain import (
    Host,
    Interpreter,
    Location,
    Mode,
    Official,
    Person,
    PersonKind,
    Scenario,
    Schedule,
    Session,
    Slot,
    zone,
)

PRODID = "-//Exchange Scheduler//exchange-scheduler//EN"
VIDEO_SESSION = "Video session"

# --------------------------------------------------------------------------- history


PersonKey = tuple[PersonKind, str]


def key_of(person: Person) -> PersonKey:
    return (person.kind, person.id)


def noticeable(session: Session) -> tuple[object, ...]:
    """What makes a calendar event change: time (slot), place (mode; the site in person,
    the host's video room by video) and topic. A change here raises SEQUENCE and is sent to
    everyone in the session; who takes part is not part of it."""
    return (
        session.slot,
        str(session.mode),
        session.location if session.mode is Mode.IN_PERSON else None,
        session.host if session.mode is Mode.VIRTUAL else None,
        session.topic,
    )


def people_of(session: Session) -> list[PersonKey]:
    """Everyone in a session, keyed by (kind, id): host, officials, interpreter."""
    keys: list[PersonKey] = [(PersonKind.HOST, session.host)]
    keys += [(PersonKind.OFFICIAL, o) for o in session.officials]
    if session.interpreter:
        keys.append((PersonKind.INTERPRETER, session.interpreter))
    return keys


@dataclass(frozen=True, slots=True)
class SessionState:
    """A session as the calendars show it after all versions so far."""

    session: Session  # as in the latest version that has it
    sequence: int  # SEQUENCE: noticeable changes, cancellations and reappearances so far
    cancelled: bool  # absent from the latest version
    people: frozenset[PersonKey]  # everyone who was in it in any version


def session_states(versions: Sequence[Schedule]) -> dict[str, SessionState]:
    """SEQUENCE and cancellation of every session id ever seen, from the versions in order
    (oldest first). Each step between two consecutive versions raises a session's SEQUENCE
    by one when it changed noticeably, disappeared, or reappeared; an unchanged step (or a
    re-export of the same versions) raises nothing."""
    sequence: dict[str, int] = {}
    last: dict[str, Session] = {}
    people: dict[str, set[PersonKey]] = {}
    present: dict[str, tuple[object, ...]] = {}  # session id -> noticeable(), in the previous version
    for version in versions:
        current: dict[str, tuple[object, ...]] = {}
        for s in version.sessions:
            key = noticeable(s)
            current[s.id] = key
            if s.id not in sequence:
                sequence[s.id] = 0
            elif s.id not in present or present[s.id] != key:
                sequence[s.id] += 1  # reappeared, or changed
            last[s.id] = s
            people.setdefault(s.id, set()).update(people_of(s))
        for sid in present.keys() - current.keys():
            sequence[sid] += 1  # disappeared in this version: cancelled
        present = current
    return {
        sid: SessionState(
            session=last[sid], sequence=seq, cancelled=sid not in present, people=frozenset(people[sid])
        )
        for sid, seq in sequence.items()
    }


@dataclass(frozen=True, slots=True)
class Change:
    """Something that changed for one person between two versions."""

    kind: str  # "new", "changed" or "cancelled"
    session_id: str


def changes_for_people(old: Schedule, new: Schedule) -> dict[PersonKey, list[Change]]:
    """Per person (kind, id), what changed for them from ``old`` to ``new``: sessions they are newly
    in ("new"), sessions they stay in that changed noticeably ("changed"), and sessions they
    are no longer in, whether the session went away or they were taken out ("cancelled").

    Not :func:`exchange_app.schedule_diff.diff_schedules` (the one diff of "who moved"): a
    calendar answers another question. It covers hosts and interpreters too, matches by
    session id only (a calendar event's UID is the session id, so a renumbered session is a
    cancelled event and a new one), and a session someone stays in counts as changed when
    its time, place (site or video room) or topic changed (:func:`noticeable`), which no
    one "moved" for."""
    before = old.sessions_by_id()
    after = new.sessions_by_id()
    out: dict[PersonKey, list[Change]] = {}
    for sid, s in after.items():
        prev = before.get(sid)
        prev_people = set(people_of(prev)) if prev else set()
        same = prev is not None and noticeable(prev) == noticeable(s)
        for pid in people_of(s):
            if pid not in prev_people:
                out.setdefault(pid, []).append(Change("new", sid))
            elif not same:
                out.setdefault(pid, []).append(Change("changed", sid))
    for sid, prev in before.items():
        now = set(people_of(after[sid])) if sid in after else set()
        for pid in people_of(prev):
            if pid not in now:
                out.setdefault(pid, []).append(Change("cancelled", sid))
    return out


# --------------------------------------------------------------------------- context


def program_slug(name: str) -> str:
    """``2026 General Election Peer Exchange`` -> ``2026-general-election-peer-exchange``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60].rstrip("-") or "program"


def uid_for(session_id: str, slug: str) -> str:
    return f"{session_id}@{slug}.exchange-scheduler"


class CalendarContext:
    """Lookups of one program built once, shared by every calendar, invitation and
    itinerary of an export."""

    def __init__(self, scenario: Scenario, stamp: datetime | None = None):
        self.scenario = scenario
        self.program = scenario.program
        self.slug = program_slug(scenario.program.name)
        self.stamp = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        self.topics = scenario.topics_by_id()
        self.locations = scenario.locations_by_id()
        self.slots = scenario.slots_by_id()
        self.hosts: dict[str, Host] = scenario.hosts_by_id()
        self.officials: dict[str, Official] = scenario.officials_by_id()
        self.interpreters: dict[str, Interpreter] = scenario.interpreters_by_id()
        self.people: dict[PersonKey, Person] = {}
        for p in scenario.people():
            self.people.setdefault(key_of(p), p)
        self._timezones: dict[str, Timezone] = {}
        self._vtimezone_bytes: dict[str, bytes] = {}
        self._events: dict[tuple[object, ...], bytes] = {}

    # ---- people and places
    def person(self, key: PersonKey) -> Person | None:
        return self.people.get(key)

    def name(self, key: PersonKey | None) -> str:
        if key is None:
            return ""
        p = self.people.get(key)
        return p.name if p else key[1]

    def host_name(self, session: Session) -> str:
        return self.name((PersonKind.HOST, session.host))

    def topic_name(self, topic_id: str) -> str:
        t = self.topics.get(topic_id)
        return t.name if t else topic_id

    def location_of(self, session: Session) -> Location | None:
        """The site of an in-person session (the host's site when the session names none);
        None for a video session."""
        if session.mode is Mode.VIRTUAL:
            return None
        loc = self.locations.get(session.location or "")
        if loc is None:
            host = self.hosts.get(session.host)
            loc = self.locations.get(host.location) if host else None
        return loc

    def zone_name(self, session: Session) -> str:
        """IANA zone of the session's site; for a video session, of the host's site."""
        loc_id = session.location if session.mode is Mode.IN_PERSON else None
        if loc_id is None:
            host = self.hosts.get(session.host)
            loc_id = host.location if host else None
        loc = self.locations.get(loc_id) if loc_id else None
        return loc.timezone if loc else self.program.timezone

    def site(self, session: Session) -> str:
        """The site's name, or "Video session"."""
        if session.mode is Mode.VIRTUAL:
            return VIDEO_SESSION
        loc = self.location_of(session)
        return loc.name if loc else (session.location or "")

    def address(self, session: Session) -> str | None:
        """The street address of an in-person session's site, when known."""
        loc = self.location_of(session)
        return loc.address if loc is not None and loc.address else None

    def place(self, session: Session) -> str:
        """LOCATION: ``Site, street address``, or "Video session"."""
        address = self.address(session)
        return f"{self.site(session)}, {address}" if address else self.site(session)

    def video_url(self, session: Session) -> str | None:
        """The host's meeting link, for a video session."""
        if session.mode is not Mode.VIRTUAL:
            return None
        host = self.hosts.get(session.host)
        return host.video_url if host is not None and host.video_url else None

    def slot(self, session: Session) -> Slot:
        return self.slots[session.slot]

    def local_times(self, session: Session) -> tuple[datetime, datetime]:
        """Start and end in the site's zone."""
        slot = self.slot(session)
        tz = zone(self.zone_name(session))
        return slot.start.astimezone(tz), slot.end.astimezone(tz)

    def ics_times(self, session: Session) -> tuple[datetime, datetime, str | None]:
        """DTSTART, DTEND and their TZID: local at the site, or UTC (TZID None) when the
        start or the end falls in a local hour that repeats, where a local time is ambiguous
        (and could even make the end equal the start)."""
        start, end = self.local_times(session)
        if _ambiguous(start) or _ambiguous(end) or end.replace(tzinfo=None) <= start.replace(tzinfo=None):
            return start.astimezone(UTC), end.astimezone(UTC), None
        return start, end, self.zone_name(session)

    def when(self, session: Session) -> str:
        """``Mon 2 Nov 2026, 08:00–09:00 MST`` (site time, zone abbreviation; both
        abbreviations when they differ, as across a change of clocks)."""
        start, end = self.local_times(session)
        day = f"{start:%a} {start.day} {start:%b %Y}"
        if start.tzname() != end.tzname():
            return f"{day}, {start:%H:%M} {start.tzname()}–{end:%H:%M} {end.tzname()}"
        return f"{day}, {start:%H:%M}–{end:%H:%M} {end.tzname()}"

    @cached_property
    def date_range(self) -> tuple[date, date]:
        """First and last day of the program's slots, with a few days' margin, for VTIMEZONEs."""
        if self.scenario.slots:
            first = min(s.start for s in self.scenario.slots)
            last = max(s.end for s in self.scenario.slots)
        else:
            first = last = self.stamp
        return (first.date() - timedelta(days=7), last.date() + timedelta(days=7))

    def vtimezone(self, tzid: str) -> Timezone:
        tz = self._timezones.get(tzid)
        if tz is None:
            first, last = self.date_range
            tz = Timezone.from_tzid(tzid, first_date=first, last_date=last)
            # icalendar notes the date range in a COMMENT, which RFC 5545 does not allow
            # in a VTIMEZONE (libical's check_restrictions() flags it).
            tz.pop("COMMENT", None)
            self._timezones[tzid] = tz
        return tz

    # ---- descriptions
    def person_line(self, key: PersonKey) -> str:
        p = self.people.get(key)
        if p is None:
            return key[1]
        if isinstance(p, Official):
            bits = [p.name + (f" ({p.country})" if p.country else "")]
            bits += [x for x in (p.title, p.organization) if x]
            return ", ".join(bits)
        if isinstance(p, Host):
            return ", ".join([p.name, *[x for x in (p.title, p.organization) if x]])
        return p.name

    def interpreter_line(self, session: Session) -> str:
        if not session.interpreter:
            return "none"
        p = self.interpreters.get(session.interpreter)
        if p is None:
            return session.interpreter
        return f"{p.name} ({', '.join(p.languages)})" if p.languages else p.name

    def summary(self, session: Session) -> str:
        return f"{self.topic_name(session.topic)} with {self.host_name(session)}"

    def where_lines(self, session: Session) -> list[str]:
        """``Where:`` and, when known, ``Address:`` or ``Video link:``."""
        lines = [f"Where: {self.site(session)}"]
        address = self.address(session)
        if address:
            lines.append(f"Address: {address}")
        url = self.video_url(session)
        if url:
            lines.append(f"Video link: {url}")
        elif session.mode is Mode.VIRTUAL:
            lines.append("Video link: from the program staff")
        return lines

    def description(self, session: Session) -> str:
        lines = [
            f"Topic: {self.topic_name(session.topic)}",
            f"When: {self.when(session)} (local time at the site)",
            *self.where_lines(session),
            f"Host: {self.person_line((PersonKind.HOST, session.host))}",
            f"Language: {session.language}",
            f"Interpreter: {self.interpreter_line(session)}",
            "Officials:",
            *[f"- {self.person_line((PersonKind.OFFICIAL, o))}" for o in session.officials],
        ]
        return "\n".join(lines)

    def organizer(self) -> vCalAddress | None:
        org = self.program.organizer
        if org is None or not org.email:
            return None
        addr = vCalAddress(f"mailto:{org.email}")
        addr.params["CN"] = param_text(org.name or org.email)
        return addr

    def attendees(
        self, session: Session, *, only: PersonKey | None = None, rsvp: bool = False
    ) -> list[vCalAddress]:
        """ATTENDEE values with CN and ROLE (host CHAIR, others REQ-PARTICIPANT); people
        without an email address and the organizer are left out. For invitations only."""
        org = self.program.organizer
        org_email = org.email.casefold() if org and org.email else None
        out = []
        for key in [only] if only is not None else people_of(session):
            p = self.people.get(key)
            if p is None or not p.email or p.email.casefold() == org_email:
                continue
            addr = vCalAddress(f"mailto:{p.email}")
            addr.params["CN"] = param_text(p.name)
            addr.params["CUTYPE"] = "INDIVIDUAL"
            addr.params["ROLE"] = "CHAIR" if key[0] is PersonKind.HOST else "REQ-PARTICIPANT"
            if rsvp:
                addr.params["PARTSTAT"] = "NEEDS-ACTION"
                addr.params["RSVP"] = "TRUE"
            out.append(addr)
        return out

    # ---- events
    def event(
        self,
        session: Session,
        sequence: int,
        *,
        cancelled: bool = False,
        attendees: bool = False,
        only: PersonKey | None = None,
        rsvp: bool = False,
        note: str | None = None,
    ) -> Event:
        """One VEVENT. ``attendees``: name the session's people as ATTENDEEs (invitations;
        never in a PUBLISH calendar); ``only`` keeps a single attendee (a person taken out of
        a session is told only about themselves); ``note`` replaces the description."""
        ev = Event()
        ev.add("uid", uid_for(session.id, self.slug))
        ev.add("dtstamp", self.stamp)
        ev.add("sequence", sequence)
        start, end, _ = self.ics_times(session)
        ev.add("dtstart", start)
        ev.add("dtend", end)
        summary = self.summary(session)
        ev.add("summary", f"Cancelled: {summary}" if cancelled else summary)
        ev.add("location", self.place(session))
        ev.add("description", note if note is not None else self.description(session))
        url = self.video_url(session)
        if url and not cancelled:
            ev.add("url", vUri(url))
            ev.add(
                "conference",
                vUri(url),
                parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": VIDEO_SESSION},
            )
        org = self.organizer()
        if org is not None:
            ev.add("organizer", org)
        if attendees:
            for a in self.attendees(session, only=only, rsvp=rsvp and not cancelled):
                ev.add("attendee", a)
        ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        ev.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
        return ev

    def event_bytes(
        self,
        state: SessionState,
        *,
        cancelled: bool = False,
        attendees: bool = False,
        only: PersonKey | None = None,
        rsvp: bool = False,
        note: str | None = None,
    ) -> tuple[bytes, str | None]:
        """A serialized VEVENT and its TZID (None: written in UTC). Events shared by many
        calendars (everything but a message to one attendee) are serialized once per export."""
        shared = only is None or not attendees
        key = (state.session.id, state.sequence, cancelled, attendees, rsvp, note)
        data = self._events.get(key) if shared else None
        if data is None:
            ev = self.event(
                state.session,
                state.sequence,
                cancelled=cancelled,
                attendees=attendees,
                only=only,
                rsvp=rsvp,
                note=note,
            )
            data = ev.to_ical()
            if shared:
                self._events[key] = data
        return data, self.ics_times(state.session)[2]

    def vtimezone_bytes(self, tzid: str) -> bytes:
        data = self._vtimezone_bytes.get(tzid)
        if data is None:
            data = self._vtimezone_bytes[tzid] = self.vtimezone(tzid).to_ical()
        return data

    def publish_method(self) -> str | None:
        """PUBLISH needs an ORGANIZER (RFC 5546); without one a calendar is a plain file
        with no METHOD."""
        return "PUBLISH" if self.organizer() is not None else None

    def calendar_bytes(
        self,
        events: Iterable[tuple[bytes, str | None]],
        *,
        method: str | None,
        name: str | None = None,
        refresh: timedelta | None = None,
    ) -> bytes:
        """A VCALENDAR of serialized events (from :meth:`event_bytes`), with one VTIMEZONE
        for each TZID they use. icalendar writes every piece; this only puts them together."""
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        if method:
            cal.add("method", method)
        if name:
            cal.add("x-wr-calname", vText(name))  # vText: commas and semicolons escaped
        if refresh is not None:  # subscription feeds: how often clients should fetch again
            cal.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
            cal.add("x-published-ttl", vDuration(refresh))
        head = cal.to_ical()
        end = b"END:VCALENDAR\r\n"
        if not head.endswith(end):  # pragma: no cover - icalendar always ends so
            raise ValueError("unexpected calendar serialization")
        events = list(events)
        tzids = sorted({tzid for _, tzid in events if tzid is not None})
        parts = [
            head[: -len(end)],
            *(self.vtimezone_bytes(t) for t in tzids),
            *(data for data, _ in events),
            end,
        ]
        return b"".join(parts)


def _ambiguous(local: datetime) -> bool:
    """True when this wall-clock time happens twice in its zone (the hour clocks fall back)."""
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def param_text(text: str) -> str:
    """A name as a parameter value every reader shows as typed: RFC 5545 parameter values
    cannot hold a double quote, and RFC 6868's ``^'``/``^^`` escapes are shown literally by
    vobject and ics.py, so double quotes become single ones and a caret a modifier letter."""
    return text.replace('"', "'").replace("^", "\u02c6")


# --------------------------------------------------------------------------- calendars


REMOVED_NOTE = "You are no longer in this session. The program staff will send you your current schedule."
CANCELLED_NOTE = "This session was cancelled."


def sessions_by_person(states: dict[str, SessionState]) -> dict[PersonKey, list[str]]:
    """Person (kind, id) -> ids of the sessions they were ever in (index for many calendars)."""
    out: dict[PersonKey, list[str]] = {}
    for sid, st in states.items():
        for key in st.people:
            out.setdefault(key, []).append(sid)
    return out


def person_events(
    ctx: CalendarContext,
    key: PersonKey,
    states: dict[str, SessionState],
    session_ids: Iterable[str] | None = None,
) -> list[tuple[bytes, str | None]]:
    """The events of one person's calendar, by start time: their sessions in the latest
    version, and a cancellation for every session they were in before but are not now.
    ``session_ids``: the sessions they were ever in, if already known."""
    if session_ids is None:
        session_ids = [sid for sid, st in states.items() if key in st.people]
    items = []
    for sid in session_ids:
        st = states[sid]
        s = st.session
        if not st.cancelled and key in people_of(s):
            ev = ctx.event_bytes(st)
        elif st.cancelled:
            ev = ctx.event_bytes(st, cancelled=True, note=CANCELLED_NOTE)
        else:
            ev = ctx.event_bytes(st, cancelled=True, note=REMOVED_NOTE)
        items.append((ctx.slot(s).start, sid, ev))
    items.sort(key=lambda x: (x[0], x[1]))
    return [ev for _, _, ev in items]


def master_events(ctx: CalendarContext, states: dict[str, SessionState]) -> list[tuple[bytes, str | None]]:
    """Every session of the program, cancelled ones included, by start time."""
    ordered = sorted(states.values(), key=lambda st: (ctx.slot(st.session).start, st.session.id))
    return [ctx.event_bytes(st, cancelled=st.cancelled) for st in ordered]


def calendar_name(ctx: CalendarContext, person: Person | None = None) -> str:
    return f"{ctx.program.name}: {person.name}" if person is not None else ctx.program.name


def person_calendar(
    ctx: CalendarContext,
    person: Person,
    states: dict[str, SessionState],
    session_ids: Iterable[str] | None = None,
    refresh: timedelta | None = None,
) -> bytes:
    """One person's calendar (METHOD:PUBLISH); ``session_ids`` as for :func:`person_events`;
    ``refresh``: REFRESH-INTERVAL of a subscription feed."""
    events = person_events(ctx, key_of(person), states, session_ids)
    return ctx.calendar_bytes(
        events, method=ctx.publish_method(), name=calendar_name(ctx, person), refresh=refresh
    )


def master_calendar(
    ctx: CalendarContext, states: dict[str, SessionState], refresh: timedelta | None = None
) -> bytes:
    """Every session (METHOD:PUBLISH), for staff."""
    return ctx.calendar_bytes(
        master_events(ctx, states), method=ctx.publish_method(), name=calendar_name(ctx), refresh=refresh
    )


def role_of(person: Person) -> str:
    return {PersonKind.OFFICIAL: "official", PersonKind.HOST: "host", PersonKind.INTERPRETER: "interpreter"}[
        person.kind
    ]


def people_in(states: dict[str, SessionState], scenario: Scenario) -> list[Person]:
    """People of the program who appear in any version's sessions, in program order
    (officials, hosts, interpreters)."""
    involved: set[PersonKey] = set()
    for st in states.values():
        involved |= st.people
    return [p for p in scenario.people() if key_of(p) in involved]


__all__ = [
    "CalendarContext",
    "Change",
    "PersonKey",
    "SessionState",
    "calendar_name",
    "changes_for_people",
    "key_of",
    "master_calendar",
    "master_events",
    "noticeable",
    "param_text",
    "people_in",
    "people_of",
    "person_calendar",
    "person_events",
    "sessions_by_person",
    "program_slug",
    "role_of",
    "session_states",
    "uid_for",
]
