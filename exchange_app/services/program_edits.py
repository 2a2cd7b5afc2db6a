"""Edits of a program's topics and sites (Topics & Sites tab): add, rename, remove.

Pure functions: each returns a new :class:`Scenario` and never changes its argument. A
remove is refused with :class:`InputError` naming who or what still uses the topic or
site (officials' interests, hosts' expertise or site, availability windows, sessions of
the latest schedule).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from exchange_app.domain import Location, Person, Scenario, Schedule, Topic, zone
from exchange_app.errors import InputError, Problem
from exchange_app.naming import plural
from exchange_app.services.new_program import slug


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
