"""Plain input and output of the solver (no database, no Qt, no ``exchange_app``).

Times are whole minutes since the Unix epoch (UTC); days are program-day indices (the
calendar date of a slot's start in the program's zone) with a label such as
``2026-11-04`` for messages. Availability is already resolved per slot:
``{slot_id: location_id_or_None}``, where ``None`` means "anywhere" and a missing slot
means "not available".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

IN_PERSON = "in-person"
VIRTUAL = "virtual"


Where = frozenset[str] | None
"""Where a person may be at a slot: the sites of every window that holds it, or None
(anywhere: a window with no location holds it), as the rule checker reads windows."""


@dataclass(frozen=True, slots=True)
class Rules:
    min_guests: int = 2
    max_guests: int = 6
    max_same_country: int = 2


@dataclass(frozen=True, slots=True)
class SlotIn:
    id: str
    start: int  # minutes since epoch (UTC)
    end: int
    day: int  # program-day index
    day_label: str = ""  # e.g. "2026-11-04", for messages


@dataclass(frozen=True, slots=True)
class OfficialIn:
    id: str
    country: str
    languages: tuple[str, ...]
    interests: Mapping[str, int]  # topic id -> weight 1..3
    availability: Mapping[str, Where]  # slot id -> the sites they may be at (None: anywhere)
    min_sessions: int = 1
    max_sessions: int = 6
    max_per_day: int = 3


@dataclass(frozen=True, slots=True)
class HostIn:
    id: str
    location: str
    languages: tuple[str, ...]
    expertise: tuple[str, ...]
    availability: Mapping[str, Where]
    virtual: bool = False
    max_sessions: int = 6
    max_per_day: int = 3


@dataclass(frozen=True, slots=True)
class InterpreterIn:
    id: str
    languages: tuple[str, ...]
    availability: Mapping[str, Where]
    max_sessions: int = 6
    max_per_day: int = 3


@dataclass(frozen=True, slots=True)
class PinIn:
    """Staff decision: this official meets this host at this slot (hard)."""

    official: str
    host: str
    slot: str


@dataclass(frozen=True, slots=True)
class ForbiddenIn:
    official: str
    host: str


@dataclass(frozen=True, slots=True)
class PreviousSession:
    """A session of the previous schedule. With ``pinned`` officials it is hard: it keeps
    host, slot, topic, language and mode, and the pinned officials stay in it."""

    id: str
    host: str
    slot: str
    topic: str
    language: str
    mode: str = IN_PERSON
    interpreter: str | None = None
    officials: tuple[str, ...] = ()
    pinned: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SolverInput:
    rules: Rules
    topics: tuple[str, ...]
    slots: tuple[SlotIn, ...]
    officials: tuple[OfficialIn, ...]
    hosts: tuple[HostIn, ...]
    interpreters: tuple[InterpreterIn, ...] = ()
    pins: tuple[PinIn, ...] = ()
    forbidden: tuple[ForbiddenIn, ...] = ()
    previous: tuple[PreviousSession, ...] | None = None
    location_names: Mapping[str, str] = field(default_factory=dict)  # for messages
    topic_names: Mapping[str, str] = field(default_factory=dict)  # for messages
    language_names: Mapping[str, str] = field(default_factory=dict)  # code -> "French (fr)", for messages
    names: Mapping[str, str] = field(default_factory=dict)  # person id -> name, for messages
    location_zones: Mapping[str, str] = field(default_factory=dict)  # site id -> IANA zone
    zone: str = "UTC"  # the program's zone (times of sessions held anywhere)


@dataclass(frozen=True, slots=True)
class SolveOptions:
    time_limit: float = 60.0  # seconds, whole solve
    workers: int = 2
    seed: int = 0
    keep_previous: bool = False  # reward keeping the previous schedule's assignments
    candidates_per_official: int = 0  # keep only each official's best N candidate sessions (0: all)
    lns: bool = True  # improve by re-solving neighbourhoods after the first full phase
    log: bool = False  # CP-SAT search log on stdout


@dataclass(frozen=True, slots=True)
class Progress:
    phase: str  # "greedy", "repair", "search", "improve", "done"
    objective: float | None
    bound: float | None
    seconds: float
    officials_at_min: int | None = None
    total_interest: int | None = None
    # proven upper bounds (``solver/bounds.py``); None until known
    at_min_bound: int | None = None  # officials who can reach their minimum at all
    interest_bound: int | None = None  # total interest any valid schedule can collect


@dataclass(frozen=True, slots=True)
class SessionOut:
    id: str
    host: str
    slot: str
    topic: str
    language: str
    mode: str
    location: str | None
    interpreter: str | None
    officials: tuple[str, ...]
    pinned: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UnmatchedOut:
    official: str
    sessions: int
    min_sessions: int
    reason: str


@dataclass(frozen=True, slots=True)
class Changes:
    """What a re-solve changed against the previous schedule."""

    sessions_added: tuple[str, ...] = ()
    sessions_removed: tuple[str, ...] = ()
    sessions_kept: int = 0
    officials_moved: tuple[str, ...] = ()  # officials whose set of sessions changed
    assignments_kept: int = 0
    assignments_changed: int = 0  # previous assignments no longer in the schedule


@dataclass(frozen=True, slots=True)
class SolverResult:
    sessions: tuple[SessionOut, ...]
    status: str  # "optimal", "feasible", "heuristic" (no better than the construction)
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    first_solution_seconds: float | None
    unmatched: tuple[UnmatchedOut, ...] = ()
    changes: Changes | None = None
    pin_conflicts: tuple[str, ...] = ()  # pins that could not be kept, and why
    cancelled: bool = False
    officials_at_min: int = 0
    total_interest: int = 0
    # proven upper bounds, valid for every schedule that keeps the rules (None: not proven)
    at_min_bound: int | None = None
    interest_bound: int | None = None
    bounds_method: str = ""  # "lp by slot", "lp by day", "combinatorial" or "" (none)
