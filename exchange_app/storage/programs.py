"""Programs and everything they own, between rows and domain objects.

Every function takes an open ORM session inside the caller's transaction and trusts its
input to be checked already (the services check it). Bulk work uses Core ``insert()`` with
lists of dicts and plain tuple selects, so a 2,000-official program loads and stores in
well under a second or two.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session as DbSession

from exchange_app.domain import (
    Forbidden,
    Host,
    Interpreter,
    Location,
    Official,
    Organizer,
    Person,
    PersonKind,
    Pin,
    Program,
    Scenario,
    Slot,
    Topic,
    Window,
)
from exchange_app.errors import ConflictError, NotFoundError
from exchange_app.storage.models import (
    ExpertiseRow,
    ForbiddenRow,
    InterestRow,
    LocationRow,
    PersonRow,
    PinRow,
    ProgramRow,
    ScheduleVersionRow,
    SlotRow,
    TopicRow,
    WindowRow,
    table_of,
)

KIND_LABEL = {PersonKind.OFFICIAL: "Official", PersonKind.HOST: "Host", PersonKind.INTERPRETER: "Interpreter"}
PROGRAM_FIELDS = (
    "name",
    "timezone",
    "min_guests",
    "max_guests",
    "max_same_country",
    "min_sessions",
    "max_sessions",
    "max_per_day",
)


@dataclass(frozen=True, slots=True)
class Revision:
    """Who last changed a record and when; ``revision`` goes up by one on every change."""

    revision: int
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class ProgramInfo:
    id: int
    name: str
    officials: int
    hosts: int
    interpreters: int
    versions: int


# --------------------------------------------------------------------------- programs


def program_row(s: DbSession, program_id: int) -> ProgramRow:
    row = s.get(ProgramRow, program_id)
    if row is None:
        raise NotFoundError(f"There is no program with id {program_id} in this database.")
    return row


def program_columns(p: Program) -> dict[str, Any]:
    cols = {k: getattr(p, k) for k in PROGRAM_FIELDS}
    cols["organizer_email"] = p.organizer.email if p.organizer else None
    cols["organizer_name"] = p.organizer.name if p.organizer else None
    return cols


def program_from_row(row: ProgramRow) -> Program:
    return Program(
        name=row.name,
        timezone=row.timezone,
        organizer=Organizer(email=row.organizer_email, name=row.organizer_name)
        if row.organizer_email
        else None,
        min_guests=row.min_guests,
        max_guests=row.max_guests,
        max_same_country=row.max_same_country,
        min_sessions=row.min_sessions,
        max_sessions=row.max_sessions,
        max_per_day=row.max_per_day,
    )


def list_programs(s: DbSession) -> list[ProgramInfo]:
    people = dict(
        ((pid, kind), n)
        for pid, kind, n in s.execute(
            select(PersonRow.program_id, PersonRow.kind, func.count()).group_by(
                PersonRow.program_id, PersonRow.kind
            )
        )
    )
    versions = dict(
        s.execute(
            select(ScheduleVersionRow.program_id, func.count()).group_by(ScheduleVersionRow.program_id)
        ).all()
    )
    return [
        ProgramInfo(
            id=pid,
            name=name,
            officials=people.get((pid, PersonKind.OFFICIAL.value), 0),
            hosts=people.get((pid, PersonKind.HOST.value), 0),
            interpreters=people.get((pid, PersonKind.INTERPRETER.value), 0),
            versions=versions.get(pid, 0),
        )
        for pid, name in s.execute(select(ProgramRow.id, ProgramRow.name).order_by(ProgramRow.id))
    ]


def program_revision(s: DbSession, program_id: int) -> Revision:
    row = program_row(s, program_id)
    return Revision(row.revision, row.updated_at, row.updated_by)


def save_program_settings(
    s: DbSession,
    program_id: int,
    program: Program,
    *,
    user: str,
    now: datetime,
    expected_revision: int | None = None,
) -> None:
    row = program_row(s, program_id)
    if expected_revision is not None and row.revision != expected_revision:
        raise ConflictError(conflict_message(f"Program {row.name!r}", row.updated_by, row.updated_at))
    cols = program_columns(program)
    if all(getattr(row, k) == v for k, v in cols.items()):
        return
    for k, v in cols.items():
        setattr(row, k, v)
    row.updated_at, row.updated_by = now, user


def conflict_message(what: str, who: str, when: datetime) -> str:
    local = when.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{what} was changed by {who} at {local} since you loaded it; reload to see their change"


# --------------------------------------------------------------------------- rows for people


def person_columns(p: Person, location_ids: dict[str, int]) -> dict[str, Any]:
    """The ``people`` columns of a person (no program, position or revision)."""
    cols: dict[str, Any] = {
        "kind": p.kind.value,
        "ext_id": p.id,
        "name": p.name,
        "email": p.email,
        "languages": list(p.languages),
        "max_sessions": p.max_sessions,
        "max_per_day": p.max_per_day,
        "country": None,
        "delegation": None,
        "min_sessions": None,
        "organization": None,
        "title": None,
        "location_id": None,
        "virtual": False,
        "video_url": None,
    }
    if isinstance(p, Official):
        cols.update(
            country=p.country,
            delegation=p.delegation,
            min_sessions=p.min_sessions,
            organization=p.organization,
            title=p.title,
        )
    elif isinstance(p, Host):
        cols.update(
            organization=p.organization,
            title=p.title,
            location_id=location_ids[p.location],
            virtual=p.virtual,
            video_url=p.video_url,
        )
    return cols


def child_rows(
    person_pk: int, p: Person, topic_ids: dict[str, int], location_ids: dict[str, int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(windows, interests, expertise) rows of one person."""
    windows = [
        {
            "person_id": person_pk,
            "position": j,
            "starts_at": w.start,
            "ends_at": w.end,
            "location_id": location_ids[w.location] if w.location is not None else None,
        }
        for j, w in enumerate(p.availability)
    ]
    interests = []
    expertise = []
    if isinstance(p, Official):
        interests = [
            {"person_id": person_pk, "topic_id": topic_ids[t], "position": j, "weight": wt}
            for j, (t, wt) in enumerate(p.interests.items())
        ]
    elif isinstance(p, Host):
        expertise = [
            {"person_id": person_pk, "topic_id": topic_ids[t], "position": j}
            for j, t in enumerate(p.expertise)
        ]
    return windows, interests, expertise


def _ids(s: DbSession, table: Any, program_id: int) -> dict[str, int]:
    return dict(s.execute(select(table.ext_id, table.id).where(table.program_id == program_id)).all())


def person_ids(s: DbSession, program_id: int) -> dict[tuple[str, str], int]:
    """(kind, ext_id) -> row id for every person of the program."""
    rows = s.execute(
        select(PersonRow.kind, PersonRow.ext_id, PersonRow.id).where(PersonRow.program_id == program_id)
    )
    return {(k, e): i for k, e, i in rows}


def _insert(s: DbSession, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        s.execute(insert(table.__table__), rows)


def _insert_children(
    s: DbSession,
    people: Iterable[tuple[int, Person]],
    topic_ids: dict[str, int],
    location_ids: dict[str, int],
) -> None:
    windows: list[dict[str, Any]] = []
    interests: list[dict[str, Any]] = []
    expertise: list[dict[str, Any]] = []
    for pk, p in people:
        w, i, e = child_rows(pk, p, topic_ids, location_ids)
        windows += w
        interests += i
        expertise += e
    _insert(s, WindowRow, windows)
    _insert(s, InterestRow, interests)
    _insert(s, ExpertiseRow, expertise)


def _insert_pins(
    s: DbSession,
    program_id: int,
    pins: list[Pin],
    forbidden: list[Forbidden],
    people: dict[tuple[str, str], int],
    slot_ids: dict[str, int],
    stamps: dict[Pin, tuple[datetime | None, str | None]] | None = None,
    default: tuple[datetime | None, str | None] = (None, None),
) -> None:
    """Insert pins and forbidden pairs; a pin's (created_at, created_by) comes from
    ``stamps`` (kept from before) or ``default`` (a new pin)."""
    o, h = PersonKind.OFFICIAL.value, PersonKind.HOST.value
    stamps = stamps or {}
    _insert(
        s,
        PinRow,
        [
            {
                "program_id": program_id,
                "position": j,
                "official_id": people[(o, x.official)],
                "host_id": people[(h, x.host)],
                "slot_id": slot_ids[x.slot],
                "created_at": stamps.get(x, default)[0],
                "created_by": stamps.get(x, default)[1],
            }
            for j, x in enumerate(pins)
        ],
    )
    _insert(
        s,
        ForbiddenRow,
        [
            {
                "program_id": program_id,
                "position": j,
                "official_id": people[(o, x.official)],
                "host_id": people[(h, x.host)],
                "reason": x.reason,
            }
            for j, x in enumerate(forbidden)
        ],
    )


def _people(sc: Scenario) -> list[Person]:
    return [*sc.officials, *sc.hosts, *sc.interpreters]


def _positions(people: list[Person]) -> dict[tuple[str, str], int]:
    """Position of each person within their kind's list."""
    out: dict[tuple[str, str], int] = {}
    counters: dict[str, int] = defaultdict(int)
    for p in people:
        out[(p.kind.value, p.id)] = counters[p.kind.value]
        counters[p.kind.value] += 1
    return out


# --------------------------------------------------------------------------- whole scenarios


def insert_scenario(s: DbSession, sc: Scenario, *, source: str, user: str, now: datetime) -> int:
    """Store ``sc`` as a new program; returns its id."""
    prog = ProgramRow(
        **program_columns(sc.program), source=source, created_at=now, updated_at=now, updated_by=user
    )
    s.add(prog)
    s.flush()
    pid = prog.id
    _insert(
        s,
        TopicRow,
        [
            {"program_id": pid, "ext_id": t.id, "position": j, "name": t.name, "description": t.description}
            for j, t in enumerate(sc.topics)
        ],
    )
    _insert(
        s,
        LocationRow,
        [
            {
                "program_id": pid,
                "ext_id": x.id,
                "position": j,
                "name": x.name,
                "timezone": x.timezone,
                "address": x.address,
            }
            for j, x in enumerate(sc.locations)
        ],
    )
    _insert(
        s,
        SlotRow,
        [
            {"program_id": pid, "ext_id": x.id, "position": j, "starts_at": x.start, "ends_at": x.end}
            for j, x in enumerate(sc.slots)
        ],
    )
    topic_ids, location_ids, slot_ids = (
        _ids(s, TopicRow, pid),
        _ids(s, LocationRow, pid),
        _ids(s, SlotRow, pid),
    )
    people = _people(sc)
    positions = _positions(people)
    _insert(
        s,
        PersonRow,
        [
            person_columns(p, location_ids)
            | {
                "program_id": pid,
                "position": positions[(p.kind.value, p.id)],
                "revision": 1,
                "updated_at": now,
                "updated_by": user,
            }
            for p in people
        ],
    )
    pk = person_ids(s, pid)
    _insert_children(s, ((pk[(p.kind.value, p.id)], p) for p in people), topic_ids, location_ids)
    _insert_pins(s, pid, sc.pins, sc.forbidden, pk, slot_ids, default=(now, user))
    return pid


def _load_people(
    s: DbSession, of_people: ColumnElement[bool], topic_ext: dict[int, str], loc_ext: dict[int, str]
) -> tuple[list[Official], list[Host], list[Interpreter], dict[int, str]]:
    """The people whose rows match ``of_people`` (a whole program, or one person), each with
    their windows, interests and expertise; and their ext ids by primary key."""
    windows: dict[int, list[Window]] = defaultdict(list)
    for person_pk, start, end, loc in s.execute(
        select(WindowRow.person_id, WindowRow.starts_at, WindowRow.ends_at, WindowRow.location_id)
        .join(PersonRow, PersonRow.id == WindowRow.person_id)
        .where(of_people)
        .order_by(WindowRow.person_id, WindowRow.position)
    ):
        windows[person_pk].append(
            Window(start=start, end=end, location=loc_ext[loc] if loc is not None else None)
        )
    interests: dict[int, dict[str, int]] = defaultdict(dict)
    for person_pk, topic, weight in s.execute(
        select(InterestRow.person_id, InterestRow.topic_id, InterestRow.weight)
        .join(PersonRow, PersonRow.id == InterestRow.person_id)
        .where(of_people)
        .order_by(InterestRow.person_id, InterestRow.position)
    ):
        interests[person_pk][topic_ext[topic]] = weight
    expertise: dict[int, list[str]] = defaultdict(list)
    for person_pk, topic in s.execute(
        select(ExpertiseRow.person_id, ExpertiseRow.topic_id)
        .join(PersonRow, PersonRow.id == ExpertiseRow.person_id)
        .where(of_people)
        .order_by(ExpertiseRow.person_id, ExpertiseRow.position)
    ):
        expertise[person_pk].append(topic_ext[topic])

    officials: list[Official] = []
    hosts: list[Host] = []
    interpreters: list[Interpreter] = []
    person_ext: dict[int, str] = {}
    cols = table_of(PersonRow).c
    for r in s.execute(
        select(table_of(PersonRow)).where(of_people).order_by(cols.kind, cols.position)
    ).mappings():
        person_ext[r["id"]] = r["ext_id"]
        common = dict(
            id=r["ext_id"],
            name=r["name"],
            email=r["email"],
            languages=list(r["languages"]),
            availability=windows.get(r["id"], []),
            max_sessions=r["max_sessions"],
            max_per_day=r["max_per_day"],
        )
        kind = r["kind"]
        if kind == PersonKind.OFFICIAL:
            officials.append(
                Official(
                    **common,
                    country=r["country"],
                    organization=r["organization"],
                    title=r["title"],
                    interests=interests.get(r["id"], {}),
                    delegation=r["delegation"],
                    min_sessions=r["min_sessions"],
                )
            )
        elif kind == PersonKind.HOST:
            hosts.append(
                Host(
                    **common,
                    location=loc_ext[r["location_id"]],
                    title=r["title"],
                    organization=r["organization"],
                    expertise=expertise.get(r["id"], []),
                    virtual=bool(r["virtual"]),
                    video_url=r["video_url"],
                )
            )
        else:
            interpreters.append(Interpreter(**common))
    return officials, hosts, interpreters, person_ext


def _load_pins(
    s: DbSession, pid: int, person_ext: dict[int, str], slot_ext: dict[int, str]
) -> tuple[list[Pin], list[Forbidden]]:
    pins = [
        Pin(official=person_ext[o], host=person_ext[h], slot=slot_ext[sl])
        for o, h, sl in s.execute(
            select(PinRow.official_id, PinRow.host_id, PinRow.slot_id)
            .where(PinRow.program_id == pid)
            .order_by(PinRow.position)
        )
    ]
    forbidden = [
        Forbidden(official=person_ext[o], host=person_ext[h], reason=reason)
        for o, h, reason in s.execute(
            select(ForbiddenRow.official_id, ForbiddenRow.host_id, ForbiddenRow.reason)
            .where(ForbiddenRow.program_id == pid)
            .order_by(ForbiddenRow.position)
        )
    ]
    return pins, forbidden


def load_pins_and_forbidden(s: DbSession, program_id: int) -> tuple[list[Pin], list[Forbidden]]:
    """The program's pins and forbidden pairs in order, as :func:`load_scenario` reads them."""
    program_row(s, program_id)
    person_ext = {pk: ext for (_, ext), pk in person_ids(s, program_id).items()}
    slot_ext = {pk: ext for ext, pk in _ids(s, SlotRow, program_id).items()}
    return _load_pins(s, program_id, person_ext, slot_ext)


def load_scenario(s: DbSession, program_id: int) -> Scenario:
    prog = program_row(s, program_id)
    pid = program_id
    topics = s.execute(
        select(TopicRow.id, TopicRow.ext_id, TopicRow.name, TopicRow.description)
        .where(TopicRow.program_id == pid)
        .order_by(TopicRow.position)
    ).all()
    locations = s.execute(
        select(
            LocationRow.id, LocationRow.ext_id, LocationRow.name, LocationRow.timezone, LocationRow.address
        )
        .where(LocationRow.program_id == pid)
        .order_by(LocationRow.position)
    ).all()
    slots = s.execute(
        select(SlotRow.id, SlotRow.ext_id, SlotRow.starts_at, SlotRow.ends_at)
        .where(SlotRow.program_id == pid)
        .order_by(SlotRow.position)
    ).all()
    topic_ext = {pk: ext for pk, ext, *_ in topics}
    loc_ext = {pk: ext for pk, ext, *_ in locations}
    slot_ext = {pk: ext for pk, ext, *_ in slots}

    officials, hosts, interpreters, person_ext = _load_people(
        s, PersonRow.program_id == pid, topic_ext, loc_ext
    )

    pins, forbidden = _load_pins(s, pid, person_ext, slot_ext)
    return Scenario(
        program=program_from_row(prog),
        topics=[Topic(id=ext, name=name, description=desc) for _, ext, name, desc in topics],
        locations=[
            Location(id=ext, name=name, timezone=tz, address=addr) for _, ext, name, tz, addr in locations
        ],
        slots=[Slot(id=ext, start=start, end=end) for _, ext, start, end in slots],
        officials=officials,
        hosts=hosts,
        interpreters=interpreters,
        pins=pins,
        forbidden=forbidden,
    )


def _sync_simple(s: DbSession, table: Any, program_id: int, rows: list[dict[str, Any]]) -> set[str]:
    """Update rows by ext id, insert new ones; returns the ext ids that are no longer wanted."""
    existing = _ids(s, table, program_id)
    wanted = {r["ext_id"] for r in rows}
    changes = [r | {"pk": existing[r["ext_id"]]} for r in rows if r["ext_id"] in existing]
    if changes:
        t = table.__table__  # the keys of each dict become the SET clause
        s.execute(update(t).where(t.c.id == bindparam("pk")), changes)
    _insert(s, table, [r | {"program_id": program_id} for r in rows if r["ext_id"] not in existing])
    return set(existing) - wanted


def check_revisions(
    s: DbSession, program_id: int, expected: dict[tuple[PersonKind, str], int | Revision]
) -> None:
    """Refuse (:class:`ConflictError`) when the program's people are not exactly those of
    ``expected`` at those revisions: someone changed, added or deleted a person since the
    caller loaded the program. Locks the rows it read until the transaction ends."""
    lock_program(s, program_id)
    rows = s.execute(
        select(
            PersonRow.kind,
            PersonRow.ext_id,
            PersonRow.name,
            PersonRow.revision,
            PersonRow.updated_at,
            PersonRow.updated_by,
        )
        .where(PersonRow.program_id == program_id)
        .with_for_update()
    ).all()
    stored = set()
    for kind, ext, name, revision, at, by in rows:
        key = (PersonKind(kind), ext)
        stored.add(key)
        want = expected.get(key)
        want = want.revision if isinstance(want, Revision) else want
        if want is None:
            local = at.astimezone().strftime("%Y-%m-%d %H:%M")
            raise ConflictError(
                f"{person_label(key[0], ext, name)} was added by {by} at {local} since you loaded "
                "the program; reload to see their change"
            )
        if want != revision:
            raise ConflictError(conflict_message(person_label(key[0], ext, name), by, at))
    for kind, ext in sorted(set(expected) - stored):
        raise ConflictError(
            f"{person_label(PersonKind(kind), ext)} was deleted by someone else since you loaded the "
            "program; reload to see the current list"
        )


def lock_program(s: DbSession, program_id: int) -> None:
    """Take the write lock for the program: a no-op UPDATE locks its row on PostgreSQL and
    starts the write transaction on SQLite (where SELECT ... FOR UPDATE locks nothing)."""
    t = table_of(ProgramRow)
    s.execute(update(t).where(t.c.id == program_id).values(id=t.c.id))


def replace_scenario(
    s: DbSession,
    program_id: int,
    sc: Scenario,
    *,
    user: str,
    now: datetime,
    expected_revisions: dict[tuple[PersonKind, str], int | Revision] | None = None,
) -> None:
    """Make the stored program equal to ``sc``; people keep their rows (and revision history)
    when their id stays, and only the people that changed get a new revision.

    With ``expected_revisions`` (from :func:`person_revisions` when the caller loaded the
    program), any person changed, added or deleted meanwhile raises :class:`ConflictError`
    and nothing is written."""
    pid = program_id
    program_row(s, pid)
    if expected_revisions is not None:
        check_revisions(s, pid, expected_revisions)
    old = load_scenario(s, pid)
    stamps = {p: (at, by) for p, at, by in pin_records(s, pid)}
    save_program_settings(s, pid, sc.program, user=user, now=now)
    # Children and pins go first; they are written again from ``sc`` below.
    person_pks = select(PersonRow.id).where(PersonRow.program_id == pid).scalar_subquery()
    for table in (WindowRow, InterestRow, ExpertiseRow):
        s.execute(delete(table).where(table.person_id.in_(person_pks)))
    s.execute(delete(PinRow).where(PinRow.program_id == pid))
    s.execute(delete(ForbiddenRow).where(ForbiddenRow.program_id == pid))

    gone_topics = _sync_simple(
        s,
        TopicRow,
        pid,
        [
            {"ext_id": t.id, "position": j, "name": t.name, "description": t.description}
            for j, t in enumerate(sc.topics)
        ],
    )
    gone_locations = _sync_simple(
        s,
        LocationRow,
        pid,
        [
            {"ext_id": x.id, "position": j, "name": x.name, "timezone": x.timezone, "address": x.address}
            for j, x in enumerate(sc.locations)
        ],
    )
    gone_slots = _sync_simple(
        s,
        SlotRow,
        pid,
        [
            {"ext_id": x.id, "position": j, "starts_at": x.start, "ends_at": x.end}
            for j, x in enumerate(sc.slots)
        ],
    )
    topic_ids, location_ids, slot_ids = (
        _ids(s, TopicRow, pid),
        _ids(s, LocationRow, pid),
        _ids(s, SlotRow, pid),
    )

    old_people = {(p.kind.value, p.id): p for p in _people(old)}
    people = _people(sc)
    positions = _positions(people)
    existing = person_ids(s, pid)
    changed, moved, new = [], [], []
    for p in people:
        key = (p.kind.value, p.id)
        pos = positions[key]
        if key not in existing:
            new.append(
                person_columns(p, location_ids)
                | {"program_id": pid, "position": pos, "revision": 1, "updated_at": now, "updated_by": user}
            )
        elif old_people[key] != p:
            changed.append(
                person_columns(p, location_ids)
                | {"pk": existing[key], "position": pos, "updated_at": now, "updated_by": user}
            )
        else:
            moved.append({"pk": existing[key], "position": pos})
    t = table_of(PersonRow)
    if changed:  # the keys of each dict become the SET clause
        s.execute(update(t).where(t.c.id == bindparam("pk")).values(revision=t.c.revision + 1), changed)
    if moved:
        s.execute(update(t).where(t.c.id == bindparam("pk")), moved)
    gone_people = [pk for key, pk in existing.items() if key not in positions]
    if gone_people:
        s.execute(delete(PersonRow).where(PersonRow.id.in_(gone_people)))
    _insert(s, PersonRow, new)
    simple: Any
    for simple, gone in ((TopicRow, gone_topics), (LocationRow, gone_locations), (SlotRow, gone_slots)):
        if gone:
            s.execute(delete(simple).where(simple.program_id == pid, simple.ext_id.in_(gone)))
    pk = person_ids(s, pid)
    _insert_children(s, ((pk[(p.kind.value, p.id)], p) for p in people), topic_ids, location_ids)
    _insert_pins(s, pid, sc.pins, sc.forbidden, pk, slot_ids, stamps, default=(now, user))


def delete_program(s: DbSession, program_id: int) -> None:
    row = program_row(s, program_id)
    # People first: their windows and host sites refer to the program's locations, which
    # PostgreSQL may cascade away before it reaches the people.
    s.execute(delete(PersonRow).where(PersonRow.program_id == program_id))
    s.delete(row)


# --------------------------------------------------------------------------- single people


def _person_row(s: DbSession, program_id: int, kind: PersonKind, ext_id: str) -> PersonRow | None:
    return s.scalar(
        select(PersonRow).where(
            PersonRow.program_id == program_id, PersonRow.kind == kind.value, PersonRow.ext_id == ext_id
        )
    )


def person_label(kind: PersonKind, ext_id: str, name: str | None = None) -> str:
    return f"{KIND_LABEL[kind]} {ext_id}" + (f" ({name})" if name else "")


def upsert_person(
    s: DbSession,
    program_id: int,
    person: Person,
    *,
    user: str,
    now: datetime,
    expected_revision: int | None = None,
) -> int:
    """Add or update a person by id; returns the stored revision.

    With ``expected_revision`` (the revision the caller loaded), a row that someone else
    changed or deleted meanwhile raises :class:`ConflictError` and nothing is written.
    """
    program_row(s, program_id)
    kind = person.kind
    location_ids = _ids(s, LocationRow, program_id)
    topic_ids = _ids(s, TopicRow, program_id)
    row = _person_row(s, program_id, kind, person.id)
    cols = person_columns(person, location_ids)
    if row is None:
        if expected_revision is not None:
            raise ConflictError(
                f"{person_label(kind, person.id, person.name)} was deleted by someone else since you "
                "loaded it; reload to see the current list"
            )
        position = s.scalar(
            select(func.coalesce(func.max(PersonRow.position) + 1, 0)).where(
                PersonRow.program_id == program_id, PersonRow.kind == kind.value
            )
        )
        row = PersonRow(program_id=program_id, position=position, updated_at=now, updated_by=user, **cols)
        s.add(row)
    else:
        if expected_revision is not None and row.revision != expected_revision:
            raise ConflictError(
                conflict_message(person_label(kind, row.ext_id, row.name), row.updated_by, row.updated_at)
            )
        for k, v in cols.items():
            setattr(row, k, v)
        row.updated_at, row.updated_by = now, user  # always dirty: the revision goes up
        for table in (WindowRow, InterestRow, ExpertiseRow):
            s.execute(delete(table).where(table.person_id == row.id))
    s.flush()
    _insert_children(s, [(row.id, person)], topic_ids, location_ids)
    return row.revision


def delete_person(
    s: DbSession, program_id: int, kind: PersonKind, ext_id: str, expected_revision: int | None = None
) -> None:
    program_row(s, program_id)
    row = _person_row(s, program_id, kind, ext_id)
    if row is None:
        raise NotFoundError(f"{person_label(kind, ext_id)} is not in this program.")
    if expected_revision is not None and row.revision != expected_revision:
        raise ConflictError(
            conflict_message(person_label(kind, row.ext_id, row.name), row.updated_by, row.updated_at)
        )
    # Pins and forbidden pairs naming them go too (also by ON DELETE CASCADE).
    for table in (PinRow, ForbiddenRow):
        s.execute(delete(table).where((table.official_id == row.id) | (table.host_id == row.id)))
    s.delete(row)
    s.flush()


def load_person(
    s: DbSession, program_id: int, kind: PersonKind, ext_id: str
) -> tuple[Official | Host | Interpreter, Revision] | None:
    """One person as :func:`load_scenario` reads them, with their revision; None when absent
    (a profile save refreshes just that person, not the whole program)."""
    program_row(s, program_id)
    row = _person_row(s, program_id, kind, ext_id)
    if row is None:
        return None
    topic_ext = {pk: ext for ext, pk in _ids(s, TopicRow, program_id).items()}
    loc_ext = {pk: ext for ext, pk in _ids(s, LocationRow, program_id).items()}
    officials, hosts, interpreters, _ = _load_people(s, PersonRow.id == row.id, topic_ext, loc_ext)
    person = (officials + hosts + interpreters)[0]
    return person, Revision(row.revision, row.updated_at, row.updated_by)


def person_revisions(s: DbSession, program_id: int) -> dict[tuple[PersonKind, str], Revision]:
    program_row(s, program_id)
    rows = s.execute(
        select(
            PersonRow.kind, PersonRow.ext_id, PersonRow.revision, PersonRow.updated_at, PersonRow.updated_by
        ).where(PersonRow.program_id == program_id)
    )
    return {(PersonKind(k), e): Revision(r, at, by) for k, e, r, at, by in rows}


def pin_records(s: DbSession, program_id: int) -> list[tuple[Pin, datetime | None, str | None]]:
    """The program's pins in order, each with when and by whom it was added."""
    people = {pk: ext for (_, ext), pk in person_ids(s, program_id).items()}
    slots = {pk: ext for ext, pk in _ids(s, SlotRow, program_id).items()}
    rows = s.execute(
        select(PinRow.official_id, PinRow.host_id, PinRow.slot_id, PinRow.created_at, PinRow.created_by)
        .where(PinRow.program_id == program_id)
        .order_by(PinRow.position)
    )
    return [(Pin(official=people[o], host=people[h], slot=slots[sl]), at, by) for o, h, sl, at, by in rows]


def set_pins(
    s: DbSession,
    program_id: int,
    pins: list[Pin],
    base: list[Pin] | None = None,
    *,
    user: str | None = None,
    now: datetime | None = None,
) -> list[Pin]:
    """Store the program's pins; returns them as stored.

    Without ``base``, ``pins`` replace the list. With ``base`` (the list as the caller
    loaded it), only the caller's changes are applied to the stored list: pins added and
    pins removed since ``base``; a colleague's pins saved meanwhile stay. An added pin that
    puts an official at a slot where a colleague meanwhile pinned them with another host
    is refused (:class:`ConflictError` naming who and when) and nothing is written.
    """
    program_row(s, program_id)
    lock_program(s, program_id)
    stored = pin_records(s, program_id)
    stamps = {p: (at, by) for p, at, by in stored}
    if base is None:
        result = list(dict.fromkeys(pins))
    else:
        before, mine = set(base), set(pins)
        removed = before - mine
        added = [p for p in dict.fromkeys(pins) if p not in before and p not in stamps]
        for p in added:
            for q, at, by in stored:
                if q not in before and q.official == p.official and q.slot == p.slot:
                    when = at.astimezone().strftime("%Y-%m-%d %H:%M") if at else "an unknown time"
                    raise ConflictError(
                        f"Pin {p.official} with {p.host} at {p.slot}: {by or 'someone else'} pinned "
                        f"{q.official} with {q.host} at that slot at {when} since you loaded the pins; "
                        "reload to see their change"
                    )
        result = [q for q, _, _ in stored if q not in removed] + added
    s.execute(delete(PinRow).where(PinRow.program_id == program_id))
    _insert_pins(
        s,
        program_id,
        result,
        [],
        person_ids(s, program_id),
        _ids(s, SlotRow, program_id),
        stamps,
        default=(now, user),
    )
    return result


def set_forbidden(s: DbSession, program_id: int, forbidden: list[Forbidden]) -> None:
    program_row(s, program_id)
    s.execute(delete(ForbiddenRow).where(ForbiddenRow.program_id == program_id))
    _insert_pins(s, program_id, [], forbidden, person_ids(s, program_id), {})


def add_pins(s: DbSession, program_id: int, pins: list[Pin], forbidden: list[Forbidden]) -> None:
    """Append these pins and forbidden pairs (the others stay as they are)."""
    program_row(s, program_id)
    people, slots = person_ids(s, program_id), _ids(s, SlotRow, program_id)
    o, h = PersonKind.OFFICIAL.value, PersonKind.HOST.value
    tables: tuple[tuple[type[PinRow] | type[ForbiddenRow], Sequence[Pin | Forbidden]], ...] = (
        (PinRow, pins),
        (ForbiddenRow, forbidden),
    )
    for table, items in tables:
        start: int = (
            s.scalar(
                select(func.coalesce(func.max(table.position) + 1, 0)).where(table.program_id == program_id)
            )
            or 0
        )
        rows: list[dict[str, Any]] = []
        for j, x in enumerate(items):
            row: dict[str, Any] = {
                "program_id": program_id,
                "position": start + j,
                "official_id": people[(o, x.official)],
                "host_id": people[(h, x.host)],
            }
            if isinstance(x, Pin):
                row["slot_id"] = slots[x.slot]
            else:
                row["reason"] = x.reason
            rows.append(row)
        _insert(s, table, rows)


def remove_pins(s: DbSession, program_id: int, pins: list[Pin], forbidden: list[Forbidden]) -> None:
    """Delete exactly these pins and forbidden pairs (the others stay as they are)."""
    program_row(s, program_id)
    people, slots = person_ids(s, program_id), _ids(s, SlotRow, program_id)
    o, h = PersonKind.OFFICIAL.value, PersonKind.HOST.value
    for x in pins:
        official, host, slot = people.get((o, x.official)), people.get((h, x.host)), slots.get(x.slot)
        s.execute(
            delete(PinRow).where(
                PinRow.program_id == program_id,
                PinRow.official_id == official,
                PinRow.host_id == host,
                PinRow.slot_id == slot,
            )
        )
    for f in forbidden:
        official, host = people.get((o, f.official)), people.get((h, f.host))
        s.execute(
            delete(ForbiddenRow).where(
                ForbiddenRow.program_id == program_id,
                ForbiddenRow.official_id == official,
                ForbiddenRow.host_id == host,
            )
        )


def load_scenario_refs(s: DbSession, program_id: int) -> Scenario:
    """The program with only its topics and locations (what a person may refer to)."""
    prog = program_row(s, program_id)
    topics = s.execute(
        select(TopicRow.ext_id, TopicRow.name, TopicRow.description)
        .where(TopicRow.program_id == program_id)
        .order_by(TopicRow.position)
    )
    locations = s.execute(
        select(LocationRow.ext_id, LocationRow.name, LocationRow.timezone, LocationRow.address)
        .where(LocationRow.program_id == program_id)
        .order_by(LocationRow.position)
    )
    return Scenario(
        program=program_from_row(prog),
        topics=[Topic(id=e, name=n, description=d) for e, n, d in topics],
        locations=[Location(id=e, name=n, timezone=tz, address=ad) for e, n, tz, ad in locations],
    )


def reference_ids(s: DbSession, program_id: int) -> dict[str, set[str]]:
    """The ids a pin, schedule or person may refer to, by list name."""
    people: dict[str, set[str]] = {"officials": set(), "hosts": set(), "interpreters": set()}
    for kind, ext in s.execute(
        select(PersonRow.kind, PersonRow.ext_id).where(PersonRow.program_id == program_id)
    ):
        people[kind + "s"].add(ext)
    return people | {
        "topics": set(_ids(s, TopicRow, program_id)),
        "locations": set(_ids(s, LocationRow, program_id)),
        "slots": set(_ids(s, SlotRow, program_id)),
    }
