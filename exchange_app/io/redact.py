"""A scenario with the people made anonymous, for sharing in bug reports.

``exchange-app export scenario --redacted --out FILE`` writes it. What a scheduling problem
needs stays: ids, countries, languages, interests, expertise, sites, availability, limits,
delegations, pins and forbidden pairs. What names a person goes: names become "Official
12", "Host 3", "Interpreter 1"; emails become ``official-12@example.invalid``;
organizations and titles are dropped; the organizer becomes "Program staff"; reasons of
forbidden pairs are dropped. An id that is an email address (some sheets use them) is
replaced by ``official-12`` everywhere it is used.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

from exchange_app.domain import Forbidden, Organizer, Pin, Scenario
from exchange_app.io.scenario_json import write_scenario

DOMAIN = "example.invalid"


def redact_scenario(sc: Scenario) -> Scenario:
    """A copy of ``sc`` with nothing that names a person (see the module docstring)."""
    out = copy.deepcopy(sc)
    renamed: dict[str, dict[str, str]] = {"official": {}, "host": {}, "interpreter": {}}
    for word, people in (("official", out.officials), ("host", out.hosts), ("interpreter", out.interpreters)):
        for n, p in enumerate(people, start=1):
            if "@" in p.id:
                renamed[word][p.id] = f"{word}-{n}"
                p.id = f"{word}-{n}"
            p.name = f"{word.capitalize()} {n}"
            p.email = f"{word}-{n}@{DOMAIN}" if p.email else None
            if hasattr(p, "organization"):
                p.organization = None
            if hasattr(p, "title"):
                p.title = None
    if out.program.organizer is not None:
        out.program.organizer = Organizer(email=f"organizer@{DOMAIN}", name="Program staff")
    officials, hosts = renamed["official"], renamed["host"]
    out.pins = [
        Pin(official=officials.get(x.official, x.official), host=hosts.get(x.host, x.host), slot=x.slot)
        for x in out.pins
    ]
    out.forbidden = [
        Forbidden(official=officials.get(x.official, x.official), host=hosts.get(x.host, x.host))
        for x in out.forbidden
    ]
    return out


def write_redacted_scenario(sc: Scenario, path: str | os.PathLike) -> Path:
    """Write the redacted scenario atomically; returns the path."""
    write_scenario(redact_scenario(sc), path)
    return Path(path)
