"""The program's data in plain Python: no Qt, no database.

Everything in ``exchange-scenario/1`` and ``exchange-schedule/1`` (see ``docs/`` and the
shared spec) has a class here. Instants are timezone-aware ``datetime`` objects; ids are
strings exactly as staff wrote them. Storage, file formats, the rule checker, the solver
service and the desktop app all speak these classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import ClassVar
from zoneinfo import ZoneInfo

SCENARIO_FORMAT = "exchange-scenario/1"
SCHEDULE_FORMAT = "exchange-schedule/1"


class Mode(StrEnum):
    IN_PERSON = "in-person"
    VIRTUAL = "virtual"


class PersonKind(StrEnum):
    OFFICIAL = "official"
    HOST = "host"
    INTERPRETER = "interpreter"


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (cached; raises ``ZoneInfoNotFoundError`` for unknown names)."""
    return ZoneInfo(name)


# --------------------------------------------------------------------------- program


@dataclass(kw_only=True, slots=True)
class Organizer:
    email: str
    name: str | None = None


@dataclass(kw_only=True, slots=True)
class Program:
    """Rules that apply to every session, and defaults for people who set none."""

    name: str
    timezone: str = "America/New_York"
    organizer: Organizer | None = None
    min_guests: int = 2
    max_guests: int = 6
    max_same_country: int = 2
    min_sessions: int = 1
    max_sessions: int = 6
    max_per_day: int = 3


@dataclass(kw_only=True, slots=True)
class Topic:
    id: str
    name: str
    description: str | None = None


@dataclass(kw_only=True, slots=True)
class Location:
    """A U.S. site, in its own IANA time zone."""

    id: str
    name: str
    timezone: str
    address: str | None = None  # street address, shown in calendars and itineraries


@dataclass(kw_only=True, slots=True)
class Slot:
    """A time slot sessions can use (aware datetimes)."""

    id: str
    start: datetime
    end: datetime


@dataclass(kw_only=True, slots=True)
class Window:
    """A time a person is available; ``location`` is where they are then (None: anywhere)."""

    start: datetime
    end: datetime
    location: str | None = None

    def holds(self, start: datetime, end: datetime) -> bool:
        return self.start <= start and end <= self.end


# --------------------------------------------------------------------------- people


@dataclass(kw_only=True, slots=True)
class Person:
    id: str
    name: str
    email: str | None = None
    languages: list[str] = field(default_factory=list)
    availability: list[Window] = field(default_factory=list)
    max_sessions: int | None = None
    max_per_day: int | None = None

    kind: ClassVar[PersonKind]

    def window_for(self, slot: Slot) -> Window | None:
        """The availability window that holds the whole slot, or None."""
        for w in self.availability:
            if w.holds(slot.start, slot.end):
                return w
        return None


@dataclass(kw_only=True, slots=True)
class Official(Person):
    """An international election official (a guest)."""

    country: str
    organization: str | None = None
    title: str | None = None
    interests: dict[str, int] = field(default_factory=dict)
    delegation: str | None = None
    min_sessions: int | None = None
    kind: ClassVar[PersonKind] = PersonKind.OFFICIAL


@dataclass(kw_only=True, slots=True)
class Host(Person):
    """A U.S. election administrator who leads sessions at their site (or by video)."""

    location: str
    title: str | None = None
    organization: str | None = None
    expertise: list[str] = field(default_factory=list)
    virtual: bool = False
    video_url: str | None = None  # https meeting link for their virtual sessions
    kind: ClassVar[PersonKind] = PersonKind.HOST


@dataclass(kw_only=True, slots=True)
class Interpreter(Person):
    kind: ClassVar[PersonKind] = PersonKind.INTERPRETER


@dataclass(kw_only=True, slots=True, frozen=True)
class Pin:
    """Staff decision: this official meets this host at this slot."""

    official: str
    host: str
    slot: str


@dataclass(kw_only=True, slots=True, frozen=True)
class Forbidden:
    """These two must never share a session."""

    official: str
    host: str
    reason: str | None = None


# --------------------------------------------------------------------------- scenario


@dataclass(kw_only=True, slots=True)
class Scenario:
    """Everything staff know before scheduling (``exchange-scenario/1``)."""

    program: Program
    topics: list[Topic] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    officials: list[Official] = field(default_factory=list)
    hosts: list[Host] = field(default_factory=list)
    interpreters: list[Interpreter] = field(default_factory=list)
    pins: list[Pin] = field(default_factory=list)
    forbidden: list[Forbidden] = field(default_factory=list)

    # Limits with the program's defaults filled in.
    def min_sessions(self, official: Official) -> int:
        return self.program.min_sessions if official.min_sessions is None else official.min_sessions

    def max_sessions(self, person: Person) -> int:
        return self.program.max_sessions if person.max_sessions is None else person.max_sessions

    def max_per_day(self, person: Person) -> int:
        return self.program.max_per_day if person.max_per_day is None else person.max_per_day

    def day_of(self, slot: Slot) -> date:
        """The program day of a slot: the date of its start in ``program.timezone``."""
        return slot.start.astimezone(zone(self.program.timezone)).date()

    # Lookups by id (build once per use; the lists are the source of truth).
    def topics_by_id(self) -> dict[str, Topic]:
        return {t.id: t for t in self.topics}

    def locations_by_id(self) -> dict[str, Location]:
        return {x.id: x for x in self.locations}

    def slots_by_id(self) -> dict[str, Slot]:
        return {s.id: s for s in self.slots}

    def officials_by_id(self) -> dict[str, Official]:
        return {o.id: o for o in self.officials}

    def hosts_by_id(self) -> dict[str, Host]:
        return {h.id: h for h in self.hosts}

    def interpreters_by_id(self) -> dict[str, Interpreter]:
        return {i.id: i for i in self.interpreters}

    def people(self) -> list[Person]:
        return [*self.officials, *self.hosts, *self.interpreters]


# --------------------------------------------------------------------------- schedule


@dataclass(kw_only=True, slots=True)
class Session:
    """One dialogue session: a host, a slot, a topic, a language and its officials."""

    id: str
    host: str
    slot: str
    topic: str
    language: str
    officials: list[str] = field(default_factory=list)
    interpreter: str | None = None
    mode: Mode = Mode.IN_PERSON
    location: str | None = None  # the host's site for in-person sessions, None for virtual
    pinned: list[str] = field(default_factory=list)  # officials whose place here is fixed


@dataclass(kw_only=True, slots=True)
class Unmatched:
    """An official below their minimum, with a reason a person can act on."""

    official: str
    sessions: int
    min_sessions: int
    reason: str


@dataclass(kw_only=True, slots=True)
class SolverInfo:
    status: str
    objective: float | None = None
    bound: float | None = None
    seconds: float | None = None


@dataclass(kw_only=True, slots=True)
class Schedule:
    """A set of sessions for one program (``exchange-schedule/1``)."""

    sessions: list[Session] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    solver: SolverInfo | None = None
    program: str | None = None  # the program's name, as written in the file

    def sessions_by_id(self) -> dict[str, Session]:
        return {s.id: s for s in self.sessions}

    def sessions_of(self, person_id: str) -> list[Session]:
        """Sessions that the official, host or interpreter ``person_id`` takes part in."""
        return [
            s
            for s in self.sessions
            if s.host == person_id or s.interpreter == person_id or person_id in s.officials
        ]
