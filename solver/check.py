"""The solver's own check of the hard rules on its output (a guard, not the product's
rule checker: ``exchange_app.rules`` is the authority; this one lets the solver fall back
to another valid schedule if a result were ever wrong)."""

from __future__ import annotations

from collections import Counter, defaultdict

from solver.greedy import Draft
from solver.problem import LangOption, Problem
from solver.types import VIRTUAL, HostIn, InterpreterIn, OfficialIn


def problems(pb: Problem, sessions: list[Draft]) -> list[str]:
    out: list[str] = []
    rules = pb.rules
    seen: dict[str, list[str]] = defaultdict(list)  # person -> slots
    met: set[tuple[str, str]] = set()
    for d in sessions:
        name = f"session {d.host}@{d.slot}"
        h = pb.hosts.get(d.host)
        if h is None or d.slot not in h.availability:
            out.append(f"{name}: host not available")
            continue
        if d.topic not in h.expertise or d.language not in h.languages:
            out.append(f"{name}: topic or language not the host's")
        if d.mode == VIRTUAL and not h.virtual:
            out.append(f"{name}: host does not hold virtual sessions")
        if not rules.min_guests <= len(d.officials) <= rules.max_guests or len(set(d.officials)) != len(
            d.officials
        ):
            out.append(f"{name}: {len(d.officials)} officials")
        countries = Counter(pb.officials[o].country for o in d.officials if o in pb.officials)
        if countries and max(countries.values()) > rules.max_same_country:
            out.append(f"{name}: too many from one country")
        if d.interpreter is not None:
            it = pb.interpreters.get(d.interpreter)
            if it is None or d.slot not in it.availability or d.language not in it.languages:
                out.append(f"{name}: interpreter not available or does not speak {d.language}")
            elif d.mode != VIRTUAL and not pb.at_site(it.availability[d.slot], h):
                out.append(f"{name}: interpreter elsewhere")
            seen[d.interpreter].append(d.slot)
        seen[d.host].append(d.slot)
        opt = LangOption(d.language, d.interpreter, True)
        for o in d.officials:
            off = pb.officials.get(o)
            if off is None or not pb.fits(off, h, d.slot, d.topic, opt, d.mode):
                out.append(f"{name}: official {o} cannot join")
            if (o, d.host) in met:
                out.append(f"{name}: official {o} meets the host twice")
            met.add((o, d.host))
            seen[o].append(d.slot)
    for person, slots in seen.items():
        p: OfficialIn | HostIn | InterpreterIn | None = (
            pb.officials.get(person) or pb.hosts.get(person) or pb.interpreters.get(person)
        )
        if p is None:
            continue  # an unknown person is reported with their session above
        if len(slots) > p.max_sessions:
            out.append(f"{person}: more than {p.max_sessions} sessions")
        per_day = Counter(pb.day(s) for s in slots)
        if max(per_day.values()) > p.max_per_day:
            out.append(f"{person}: more than {p.max_per_day} sessions on a day")
        for i, a in enumerate(slots):
            for b in slots[i + 1 :]:
                if b in pb.overlap[a]:
                    out.append(f"{person}: in two sessions at once ({a}, {b})")
    return out
