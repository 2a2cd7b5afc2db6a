"""Edits of a program's topics, sites and slot grid (Topics & Sites tab): add, rename,
remove; new dates and daily hours regenerate the slot grid.

Pure functions: each returns a new :class:`Scenario` and never changes its argument. A
remove is refused with :class:`InputError` naming who or what still uses the topic, site
or slot (officials' interests, hosts' expertise or site, availability windows, pins,
sessions of the latest schedule).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from exchange_app.domain import Location, Person, Scenario, Schedule, Slot, Topic, zone
from exchange_app.errors import InputError, Problem
from exchange_app.naming import Names, plural
from exchange_app.services.new_program import DayHours, hours_problems, slot_grid, slot_id, slug


def _names(people: Sequence[Person], limit: int = 3) -> str:
    names = [p.name for p in people]
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _free_id(base: str, used: set[str]) -> str:
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


def add_topic(sc: Scenario, name: str, description: str | None = None) -> tuple[Scenario, str]:
    if not name.strip():
        raise InputError("new topic", [Problem("topic", "name", "is empty")])
    if any(t.name.casefold() == name.strip().casefold() for t in sc.topics):
        raise InputError("new topic", [Problem("topic", "name", f"{name!r} is already a topic")])
    out = copy.deepcopy(sc)
    tid = _free_id(slug(name), {t.id for t in sc.topics})
    out.topics.append(Topic(id=tid, name=name.strip(), description=description or None))
    return out, tid


def rename_topic(sc: Scenario, topic_id: str, name: str, description: str | None = None) -> Scenario:
    if not name.strip():
        raise InputError(f"topic {topic_id}", [Problem(f"topic {topic_id}", "name", "is empty")])
    out = copy.deepcopy(sc)
    for t in out.topics:
        if t.id == topic_id:
            t.name = name.strip()
            if description is not None:
                t.description = description or None
            return out
    raise InputError(f"topic {topic_id}", [Problem(f"topic {topic_id}", None, "is not in the program")])


def topic_uses(sc: Scenario, topic_id: str, schedule: Schedule | None = None) -> list[str]:
    """Who or what uses the topic, in words (empty: it can go)."""
    uses = []
    wanted = [o for o in sc.officials if topic_id in o.interests]
    if wanted:
        uses.append(f"wanted by {plural(len(wanted), 'official')} ({_names(wanted)})")
    leading = [h for h in sc.hosts if topic_id in h.expertise]
    if leading:
        uses.append(f"led by {plural(len(leading), 'host')} ({_names(leading)})")
    if schedule is not None:
        n = sum(1 for s in schedule.sessions if s.topic == topic_id)
        if n:
            uses.append(f"the topic of {plural(n, 'session')} in the latest schedule")
    return uses


def remove_topic(sc: Scenario, topic_id: str, schedule: Schedule | None = None) -> Scenario:
    topic = next((t for t in sc.topics if t.id == topic_id), None)
    if topic is None:
        raise InputError(f"topic {topic_id}", [Problem(f"topic {topic_id}", None, "is not in the program")])
    uses = topic_uses(sc, topic_id, schedule)
    if uses:
        raise InputError(
            f"topic {topic.name!r}",
            [
                Problem(
                    f"topic {topic.name!r}", None, "cannot be removed while it is used: " + "; ".join(uses)
                )
            ],
        )
    out = copy.deepcopy(sc)
    out.topics = [t for t in out.topics if t.id != topic_id]
    return out


def add_site(sc: Scenario, name: str, timezone: str, address: str | None = None) -> tuple[Scenario, str]:
    problems = []
    if not name.strip():
        problems.append(Problem("site", "name", "is empty"))
    try:
        zone(timezone)
    except Exception:
        problems.append(Problem("site", "timezone", f"{timezone!r} is not an IANA time zone"))
    if problems:
        raise InputError("new site", problems)
    out = copy.deepcopy(sc)
    lid = _free_id(slug(name), {x.id for x in sc.locations})
    out.locations.append(Location(id=lid, name=name.strip(), timezone=timezone, address=address or None))
    return out, lid


def rename_site(sc: Scenario, location_id: str, name: str, address: str | None = None) -> Scenario:
    if not name.strip():
        raise InputError(f"site {location_id}", [Problem(f"site {location_id}", "name", "is empty")])
    out = copy.deepcopy(sc)
    for x in out.locations:
        if x.id == location_id:
            x.name = name.strip()
            if address is not None:
                x.address = address or None
            return out
    raise InputError(f"site {location_id}", [Problem(f"site {location_id}", None, "is not in the program")])


def site_uses(sc: Scenario, location_id: str, schedule: Schedule | None = None) -> list[str]:
    uses = []
    hosts = [h for h in sc.hosts if h.location == location_id]
    if hosts:
        uses.append(f"the site of {plural(len(hosts), 'host')} ({_names(hosts)})")
    people = [p for p in sc.people() if any(w.location == location_id for w in p.availability)]
    if people:
        uses.append(f"in the availability of {plural(len(people), 'person', 'people')} ({_names(people)})")
    if schedule is not None:
        n = sum(1 for s in schedule.sessions if s.location == location_id)
        if n:
            uses.append(f"the place of {plural(n, 'session')} in the latest schedule")
    return uses


def remove_site(sc: Scenario, location_id: str, schedule: Schedule | None = None) -> Scenario:
    site = next((x for x in sc.locations if x.id == location_id), None)
    if site is None:
        raise InputError(
            f"site {location_id}", [Problem(f"site {location_id}", None, "is not in the program")]
        )
    uses = site_uses(sc, location_id, schedule)
    if uses:
        raise InputError(
            f"site {site.name!r}",
            [Problem(f"site {site.name!r}", None, "cannot be removed while it is used: " + "; ".join(uses))],
        )
    out = copy.deepcopy(sc)
    out.locations = [x for x in out.locations if x.id != location_id]
    return out


# --------------------------------------------------------------------------- slots


def slot_text(sc: Scenario, slot: Slot) -> str:
    """``Thu 29 Oct 09:00-10:00 EDT`` in the program's time zone."""
    z = zone(sc.program.timezone)
    a, b = slot.start.astimezone(z), slot.end.astimezone(z)
    return f"{a:%a} {a.day} {a:%b %H:%M}-{b:%H:%M} {a.tzname()}"


def _slots_text(sc: Scenario, slots: Sequence[Slot], limit: int = 3) -> str:
    texts = [slot_text(sc, x) for x in slots]
    return ", ".join(texts[:limit]) + (f" and {len(texts) - limit} more" if len(texts) > limit else "")


def slots_uses(sc: Scenario, gone: Iterable[str], schedule: Schedule | None = None) -> list[str]:
    """What would lose its slot if the slots ``gone`` went, in words (empty: they can go):
    sessions of the latest schedule, pins, and availability windows that hold one of them
    and no slot that stays (the person would be available at no time of the program)."""
    gone_ids = set(gone)
    names = Names(sc)
    uses = []
    if schedule is not None:
        sessions = [x for x in schedule.sessions if x.slot in gone_ids]
        if sessions:
            shown = "; ".join(names.session(x) for x in sessions[:3])
            more = f" and {len(sessions) - 3} more" if len(sessions) > 3 else ""
            uses.append(f"{plural(len(sessions), 'session')} of the latest schedule ({shown}{more})")
    pins = [p for p in sc.pins if p.slot in gone_ids]
    if pins:
        shown = "; ".join(names.meeting(p.official, p.host, p.slot) for p in pins[:3])
        more = f" and {len(pins) - 3} more" if len(pins) > 3 else ""
        uses.append(f"{plural(len(pins), 'pin')} ({shown}{more})")
    going = [x for x in sc.slots if x.id in gone_ids]
    staying = [x for x in sc.slots if x.id not in gone_ids]
    stranded: list[Person] = []
    for person in sc.people():
        for w in person.availability:
            if any(w.holds(x.start, x.end) for x in going) and not any(
                w.holds(x.start, x.end) for x in staying
            ):
                stranded.append(person)
                break
    if stranded:
        uses.append(
            ("an availability window of " if len(stranded) == 1 else "availability windows of ")
            + f"{plural(len(stranded), 'person', 'people')} ({_names(stranded)}) "
            "that would hold no slot any more"
        )
    return uses


def add_slot(sc: Scenario, start: datetime, end: datetime) -> tuple[Scenario, str]:
    """One more slot from ``start`` to ``end`` (aware datetimes); refused when it is not
    after its start, is not aware, or the program has that exact slot already."""
    record = "new slot"
    if start.tzinfo is None or end.tzinfo is None:
        raise InputError(record, [Problem(record, "start", "needs a time zone")])
    if end <= start:
        raise InputError(
            record, [Problem(record, "end", f"{end:%H:%M} is not after the start {start:%H:%M}")]
        )
    minutes = int((end - start).total_seconds() // 60)
    if not 15 <= minutes <= 240:
        raise InputError(record, [Problem(record, "end", f"{minutes} minutes; a slot is 15 to 240 minutes")])
    same = next((x for x in sc.slots if x.start == start and x.end == end), None)
    if same is not None:
        raise InputError(
            record, [Problem(record, "start", f"the program already has this slot ({slot_text(sc, same)})")]
        )
    out = copy.deepcopy(sc)
    sid = _free_id(slot_id(start, end, minutes), {x.id for x in sc.slots})
    out.slots.append(Slot(id=sid, start=start, end=end))
    out.slots.sort(key=lambda x: (x.start, x.id))
    return out, sid


def remove_slot(sc: Scenario, slot_id_: str, schedule: Schedule | None = None) -> Scenario:
    slot = next((x for x in sc.slots if x.id == slot_id_), None)
    if slot is None:
        raise InputError(f"slot {slot_id_}", [Problem(f"slot {slot_id_}", None, "is not in the program")])
    what = f"slot {slot_text(sc, slot)}"
    uses = slots_uses(sc, [slot.id], schedule)
    if uses:
        raise InputError(
            what, [Problem(what, None, "cannot be removed while it is used: " + "; ".join(uses))]
        )
    out = copy.deepcopy(sc)
    out.slots = [x for x in out.slots if x.id != slot_id_]
    return out


def regrid(
    sc: Scenario, days: Sequence[date], hours: DayHours, schedule: Schedule | None = None
) -> tuple[Scenario, int, int]:
    """The program on ``days`` with the slot grid of ``hours`` in each site's local time
    (the grid the wizard makes). Slots of the new grid that the program has already keep
    their id; the others come and go. Refused, naming what uses them, when slots that go
    are used; returns (scenario, slots added, slots removed)."""
    record = "dates and hours"
    problems = hours_problems(hours)
    if not days:
        problems.append(Problem(record, "dates", "no program day given"))
    if problems:
        raise InputError(record, problems)
    zones = [x.timezone for x in sc.locations] or [sc.program.timezone]
    new = slot_grid(days, zones, hours)
    new_ids = {x.id for x in new}
    gone = [x for x in sc.slots if x.id not in new_ids]
    old_ids = {x.id for x in sc.slots}
    added = sum(1 for x in new if x.id not in old_ids)
    uses = slots_uses(sc, [x.id for x in gone], schedule)
    if uses:
        raise InputError(
            record,
            [
                Problem(
                    record,
                    None,
                    f"cannot remove {plural(len(gone), 'slot')} ({_slots_text(sc, gone)}) while "
                    + ("it is" if len(gone) == 1 else "they are")
                    + " used: "
                    + "; ".join(uses),
                )
            ],
        )
    out = copy.deepcopy(sc)
    kept = {x.id: x for x in out.slots}
    out.slots = [kept.get(x.id, x) for x in new]
    return out, added, len(gone)
