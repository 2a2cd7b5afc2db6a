"""A scenario with nothing that names a person, for sharing in bug reports.

``exchange-app export scenario --redacted --out FILE`` writes it. What the scheduling
problem needs stays: countries, languages, interest weights, availability, time zones,
limits, and the structure (who shares a delegation, which host sits at which site, pins,
forbidden pairs). Everything else that staff typed becomes a neutral token:

- every id: officials ``official-12``, hosts ``host-3``, interpreters ``interpreter-1``,
  topics ``topic-2``, sites ``site-1``, slots ``slot-7`` (ids may be names or emails);
- names: "Official 12", "Host 3", "Topic 2", "Site 1", the program "Program";
- delegations: ``delegation-1`` (the same delegation keeps the same token);
- emails ``official-12@example.invalid``; organizations, titles, topic descriptions,
  reasons of forbidden pairs are dropped; the organizer becomes "Program staff".
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

from exchange_app.domain import Forbidden, Organizer, Pin, Scenario
from exchange_app.io.scenario_json import write_scenario

DOMAIN = "example.invalid"


def redact_scenario(sc: Scenario) -> Scenario:
    """A copy of ``sc`` with every id and free text replaced (see the module docstring)."""
    out = copy.deepcopy(sc)
    topics = {t.id: f"topic-{n}" for n, t in enumerate(out.topics, start=1)}
    sites = {x.id: f"site-{n}" for n, x in enumerate(out.locations, start=1)}
    slots = {x.id: f"slot-{n}" for n, x in enumerate(out.slots, start=1)}
    delegations: dict[str, str] = {}
    for n, t in enumerate(out.topics, start=1):
        t.id, t.name, t.description = topics[t.id], f"Topic {n}", None
    for n, loc in enumerate(out.locations, start=1):
        loc.id, loc.name = sites[loc.id], f"Site {n}"
    for slot in out.slots:
        slot.id = slots[slot.id]
    people: dict[str, dict[str, str]] = {}
    for word, persons in (
        ("official", out.officials),
        ("host", out.hosts),
        ("interpreter", out.interpreters),
    ):
        ids = people.setdefault(word, {})
        for n, p in enumerate(persons, start=1):
            ids[p.id] = p.id = f"{word}-{n}"
            p.name = f"{word.capitalize()} {n}"
            p.email = f"{word}-{n}@{DOMAIN}" if p.email else None
            for w in p.availability:
                w.location = sites.get(w.location, w.location) if w.location is not None else None
    for o in out.officials:
        o.organization = o.title = None
        o.interests = {topics.get(t, t): w for t, w in o.interests.items()}
        if o.delegation is not None:
            o.delegation = delegations.setdefault(o.delegation, f"delegation-{len(delegations) + 1}")
    for h in out.hosts:
        h.organization = h.title = None
        h.location = sites.get(h.location, h.location)
        h.expertise = [topics.get(t, t) for t in h.expertise]
    out.program.name = "Program"
    if out.program.organizer is not None:
        out.program.organizer = Organizer(email=f"organizer@{DOMAIN}", name="Program staff")
    officials, hosts = people["official"], people["host"]
    out.pins = [
        Pin(
            official=officials.get(x.official, x.official),
            host=hosts.get(x.host, x.host),
            slot=slots.get(x.slot, x.slot),
        )
        for x in out.pins
    ]
    out.forbidden = [
        Forbidden(official=officials.get(x.official, x.official), host=hosts.get(x.host, x.host))
        for x in out.forbidden
    ]
    return out


def write_redacted_scenario(sc: Scenario, path: str | os.PathLike[str]) -> Path:
    """Write the redacted scenario atomically; returns the path."""
    write_scenario(redact_scenario(sc), path)
    return Path(path)
