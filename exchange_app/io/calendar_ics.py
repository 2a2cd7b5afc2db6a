"""iCalendar (RFC 5545) calendars of a schedule: one per person and one master calendar.

* Times are written with the TZID of the session's site (the host's site for video
  sessions) and a VTIMEZONE for every TZID used, generated for the program's dates only
  (a narrow range: the default 1970-2038 range gave VTIMEZONEs other parsers misread).
* ``UID`` is stable: ``{session id}@{program slug}.exchange-scheduler``.
* ``SEQUENCE`` comes from the stored schedule versions (:func:`session_states`): how many
  times something a person would notice changed for the session. A session that is no
  longer in the latest version is written as a cancellation (``STATUS:CANCELLED``, same
  UID, higher SEQUENCE); so is a session a person was taken out of, in that person's own
  calendar.
* Privacy: an event lists only the people of that session, and a person's calendar holds
  only their own sessions.

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

from icalendar import Calendar, Event, Timezone, vCalAddress

from exchange_app.domain import (
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


def noticeable(session: Session) -> tuple:
    """What a person would notice about a session: time (slot), place (mode, site), topic,
    language, host, officials and interpreter. Pins and ids of nothing else are left out."""
    return (
        session.slot,
        str(session.mode),
        session.location if session.mode is Mode.IN_PERSON else None,
        session.topic,
        session.language,
        session.host,
        tuple(sorted(session.officials)),
        session.interpreter,
    )


def people_of(session: Session) -> list[str]:
    """Ids of everyone in a session: host, officials, interpreter."""
    ids = [session.host, *session.officials]
    if session.interpreter:
        ids.append(session.interpreter)
    return ids


@dataclass(frozen=True, slots=True)
class SessionState:
    """A session as the calendars show it after all versions so far."""

    session: Session  # as in the latest version that has it
    sequence: int  # SEQUENCE: noticeable changes, cancellations and reappearances so far
    cancelled: bool  # absent from the latest version
    people: frozenset[str]  # everyone who was in it in any version


def session_states(versions: Sequence[Schedule]) -> dict[str, SessionState]:
    """SEQUENCE and cancellation of every session id ever seen, from the versions in order
    (oldest first). Each step between two consecutive versions raises a session's SEQUENCE
    by one when it changed noticeably, disappeared, or reappeared; an unchanged step (or a
    re-export of the same versions) raises nothing."""
    sequence: dict[str, int] = {}
    last: dict[str, Session] = {}
    people: dict[str, set[str]] = {}
    present: dict[str, tuple] = {}  # session id -> noticeable(), in the previous version
    for version in versions:
        current: dict[str, tuple] = {}
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


def changes_for_people(old: Schedule, new: Schedule) -> dict[str, list[Change]]:
    """Per person id, what changed for them from ``old`` to ``new``: sessions they are newly
    in ("new"), sessions they stay in that changed noticeably ("changed"), and sessions they
    are no longer in, whether the session went away or they were taken out ("cancelled")."""
    before = old.sessions_by_id()
    after = new.sessions_by_id()
    out: dict[str, list[Change]] = {}
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
        self.people: dict[str, Person] = {}
        for p in scenario.people():
            self.people.setdefault(p.id, p)
        self.hosts = scenario.hosts_by_id()
        self._timezones: dict[str, Timezone] = {}
        self._vtimezone_bytes: dict[str, bytes] = {}
        self._events: dict[tuple, bytes] = {}

    # ---- people and places
    def person(self, person_id: str) -> Person | None:
        return self.people.get(person_id)

    def name(self, person_id: str | None) -> str:
        if person_id is None:
            return ""
        p = self.people.get(person_id)
        return p.name if p else person_id

    def topic_name(self, topic_id: str) -> str:
        t = self.topics.get(topic_id)
        return t.name if t else topic_id

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
        loc = self.locations.get(session.location or "")
        if loc:
            return loc.name
        host = self.hosts.get(session.host)
        loc = self.locations.get(host.location) if host else None
        return loc.name if loc else (session.location or "")

    def slot(self, session: Session) -> Slot:
        return self.slots[session.slot]

    def local_times(self, session: Session) -> tuple[datetime, datetime]:
        """Start and end in the site's zone."""
        slot = self.slot(session)
        tz = zone(self.zone_name(session))
        return slot.start.astimezone(tz), slot.end.astimezone(tz)

    def when(self, session: Session) -> str:
        """``Mon 2 Nov 2026, 08:00–09:00 MST`` (site time, zone abbreviation)."""
        start, end = self.local_times(session)
        return f"{start:%a} {start.day} {start:%b %Y}, {start:%H:%M}–{end:%H:%M} {end.tzname()}"

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
            tz = self._timezones[tzid] = Timezone.from_tzid(tzid, first_date=first, last_date=last)
        return tz

    # ---- descriptions
    def person_line(self, person_id: str) -> str:
        p = self.people.get(person_id)
        if p is None:
            return person_id
        if isinstance(p, Official):
            bits = [p.name + (f" ({p.country})" if p.country else "")]
            bits += [x for x in (p.title, p.organization) if x]
            return ", ".join(bits)
        return ", ".join(
            [p.name, *[x for x in (getattr(p, "title", None), getattr(p, "organization", None)) if x]]
        )

    def interpreter_line(self, session: Session) -> str:
        if not session.interpreter:
            return "none"
        p = self.people.get(session.interpreter)
        if p is None:
            return session.interpreter
        return f"{p.name} ({', '.join(p.languages)})" if p.languages else p.name

    def summary(self, session: Session) -> str:
        return f"{self.topic_name(session.topic)} with {self.name(session.host)}"

    def description(self, session: Session) -> str:
        lines = [
            f"Topic: {self.topic_name(session.topic)}",
            f"When: {self.when(session)} (local time at the site)",
            f"Where: {self.site(session)}",
            f"Host: {self.person_line(session.host)}",
            f"Language: {session.language}",
            f"Interpreter: {self.interpreter_line(session)}",
            "Officials:",
            *[f"- {self.person_line(o)}" for o in session.officials],
        ]
        return "\n".join(lines)

    def organizer(self) -> vCalAddress | None:
        org = self.program.organizer
        if org is None or not org.email:
            return None
        addr = vCalAddress(f"mailto:{org.email}")
        addr.params["CN"] = org.name or org.email
        return addr

    def attendees(
        self, session: Session, *, only: str | None = None, rsvp: bool = False
    ) -> list[vCalAddress]:
        """ATTENDEE values with CN and ROLE (host CHAIR, others REQ-PARTICIPANT); people
        without an email address and the organizer are left out."""
        org = self.program.organizer
        org_email = org.email.casefold() if org and org.email else None
        out = []
        for pid in [only] if only is not None else people_of(session):
            p = self.people.get(pid)
            if p is None or not p.email or p.email.casefold() == org_email:
                continue
            addr = vCalAddress(f"mailto:{p.email}")
            addr.params["CN"] = p.name
            addr.params["CUTYPE"] = "INDIVIDUAL"
            addr.params["ROLE"] = "CHAIR" if pid == session.host else "REQ-PARTICIPANT"
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
        only: str | None = None,
        rsvp: bool = False,
        note: str | None = None,
    ) -> Event:
        """One VEVENT. ``only`` keeps a single attendee (a person taken out of a session
        is told only about themselves); ``note`` replaces the description."""
        ev = Event()
        ev.add("uid", uid_for(session.id, self.slug))
        ev.add("dtstamp", self.stamp)
        ev.add("sequence", sequence)
        start, end = self.local_times(session)
        ev.add("dtstart", start)
        ev.add("dtend", end)
        summary = self.summary(session)
        ev.add("summary", f"Cancelled: {summary}" if cancelled else summary)
        ev.add("location", self.site(session))
        ev.add("description", note if note is not None else self.description(session))
        org = self.organizer()
        if org is not None:
            ev.add("organizer", org)
        for a in self.attendees(session, only=only, rsvp=rsvp and not cancelled):
            ev.add("attendee", a)
        ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        ev.add("transp", "OPAQUE")
        return ev

    def event_bytes(
        self,
        state: SessionState,
        *,
        cancelled: bool = False,
        only: str | None = None,
        rsvp: bool = False,
        note: str | None = None,
    ) -> tuple[bytes, str]:
        """A serialized VEVENT and its TZID. Events shared by many calendars (everything
        but a note to one person) are serialized once per export."""
        key = (state.session.id, state.sequence, cancelled, rsvp, note)
        data = self._events.get(key) if only is None else None
        if data is None:
            ev = self.event(
                state.session, state.sequence, cancelled=cancelled, only=only, rsvp=rsvp, note=note
            )
            data = ev.to_ical()
            if only is None:
                self._events[key] = data
        return data, self.zone_name(state.session)

    def vtimezone_bytes(self, tzid: str) -> bytes:
        data = self._vtimezone_bytes.get(tzid)
        if data is None:
            data = self._vtimezone_bytes[tzid] = self.vtimezone(tzid).to_ical()
        return data

    def calendar_bytes(
        self, events: Iterable[tuple[bytes, str]], *, method: str, name: str | None = None
    ) -> bytes:
        """A VCALENDAR of serialized events (from :meth:`event_bytes`), with one VTIMEZONE
        for each TZID they use. icalendar writes every piece; this only puts them together."""
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", method)
        if name:
            cal.add("x-wr-calname", name)
        head = cal.to_ical()
        end = b"END:VCALENDAR\r\n"
        if not head.endswith(end):  # pragma: no cover - icalendar always ends so
            raise ValueError("unexpected calendar serialization")
        events = list(events)
        tzids = sorted({tzid for _, tzid in events})
        parts = [
            head[: -len(end)],
            *(self.vtimezone_bytes(t) for t in tzids),
            *(data for data, _ in events),
            end,
        ]
        return b"".join(parts)


# --------------------------------------------------------------------------- calendars


REMOVED_NOTE = "You are no longer in this session. The program staff will send you your current schedule."
CANCELLED_NOTE = "This session was cancelled."


def sessions_by_person(states: dict[str, SessionState]) -> dict[str, list[str]]:
    """Person id -> ids of the sessions they were ever in (index for many calendars)."""
    out: dict[str, list[str]] = {}
    for sid, st in states.items():
        for pid in st.people:
            out.setdefault(pid, []).append(sid)
    return out


def person_events(
    ctx: CalendarContext,
    person_id: str,
    states: dict[str, SessionState],
    session_ids: Iterable[str] | None = None,
) -> list[tuple[bytes, str]]:
    """The events of one person's calendar, by start time: their sessions in the latest
    version, and a cancellation for every session they were in before but are not now.
    ``session_ids``: the sessions they were ever in, if already known."""
    if session_ids is None:
        session_ids = [sid for sid, st in states.items() if person_id in st.people]
    items = []
    for sid in session_ids:
        st = states[sid]
        s = st.session
        if not st.cancelled and person_id in people_of(s):
            ev = ctx.event_bytes(st)
        elif st.cancelled:
            ev = ctx.event_bytes(st, cancelled=True, only=person_id, note=CANCELLED_NOTE)
        else:
            ev = ctx.event_bytes(st, cancelled=True, only=person_id, note=REMOVED_NOTE)
        items.append((ctx.slot(s).start, sid, ev))
    items.sort(key=lambda x: (x[0], x[1]))
    return [ev for _, _, ev in items]


def master_events(ctx: CalendarContext, states: dict[str, SessionState]) -> list[tuple[bytes, str]]:
    """Every session of the program, cancelled ones included, by start time."""
    ordered = sorted(states.values(), key=lambda st: (ctx.slot(st.session).start, st.session.id))
    return [ctx.event_bytes(st, cancelled=st.cancelled) for st in ordered]


def person_calendar(
    ctx: CalendarContext,
    person: Person,
    states: dict[str, SessionState],
    session_ids: Iterable[str] | None = None,
) -> bytes:
    """One person's calendar (METHOD:PUBLISH); ``session_ids`` as for :func:`person_events`."""
    events = person_events(ctx, person.id, states, session_ids)
    return ctx.calendar_bytes(events, method="PUBLISH", name=f"{ctx.program.name}: {person.name}")


def master_calendar(ctx: CalendarContext, states: dict[str, SessionState]) -> bytes:
    """Every session (METHOD:PUBLISH), for staff."""
    return ctx.calendar_bytes(master_events(ctx, states), method="PUBLISH", name=ctx.program.name)


def role_of(person: Person) -> str:
    return {PersonKind.OFFICIAL: "official", PersonKind.HOST: "host", PersonKind.INTERPRETER: "interpreter"}[
        person.kind
    ]


def people_in(states: dict[str, SessionState], scenario: Scenario) -> list[Person]:
    """People of the program who appear in any version's sessions, in program order
    (officials, hosts, interpreters)."""
    involved: set[str] = set()
    for st in states.values():
        involved |= st.people
    return [p for p in scenario.people() if p.id in involved]


__all__ = [
    "CalendarContext",
    "Change",
    "SessionState",
    "changes_for_people",
    "master_calendar",
    "master_events",
    "noticeable",
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
