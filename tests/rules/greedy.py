"""A plain greedy schedule builder for tests and benchmarks of the rule checker.

It knows nothing of ``exchange_app.rules``: it keeps every rule by construction, slot by
slot (pinned meetings first), so that the checker and the plain re-check in
``reference.py`` can both be asked whether the result is valid.
"""

from __future__ import annotations

from collections import defaultdict

from exchange_app.domain import Mode, Scenario, Schedule, Session


def _where(person, slot):
    """Locations of the windows holding the whole slot, or None if none does."""
    locs = {w.location for w in person.availability if w.start <= slot.start and slot.end <= w.end}
    return locs or None


def _at_site(locs, site) -> bool:
    return locs is not None and (None in locs or site in locs)


def greedy_schedule(
    sc: Scenario, interpreters: bool = True, guests: int | None = None, sessions_each: int | None = None
) -> Schedule:
    """Sessions that keep every hard rule (pins only where the greedy manages them).

    ``guests`` and ``sessions_each`` cap session size and sessions per official below the
    program's limits, to leave room for legal edits.
    """
    p = sc.program
    max_guests = min(p.max_guests, guests) if guests else p.max_guests
    slots = list(sc.slots)  # in the program's order (any order keeps the rules)
    busy: dict[str, list] = defaultdict(list)  # person id -> [(start, end)]
    per_day: dict[tuple[str, object], int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    met: set[tuple[str, str]] = set()
    forbidden = {(f.official, f.host) for f in sc.forbidden}
    pins = defaultdict(list)
    for pin in sc.pins:
        pins[(pin.host, pin.slot)].append(pin.official)
    hosts_used: set[tuple[str, str]] = set()

    def free(person, slot) -> bool:
        day = sc.day_of(slot)
        cap = sc.max_sessions(person)
        if sessions_each and person.kind == "official":
            cap = min(cap, sessions_each)
        if total[person.id] >= cap or per_day[(person.id, day)] >= sc.max_per_day(person):
            return False
        return all(not (a < slot.end and slot.start < b) for a, b in busy[person.id])

    def take(person, slot) -> None:
        busy[person.id].append((slot.start, slot.end))
        total[person.id] += 1
        per_day[(person.id, sc.day_of(slot))] += 1

    sessions = []

    def fill(h, slot, present, pinned, site) -> bool:
        """One session of host h at slot with officials from present at site ("*": virtual)."""
        best = None
        candidates = sorted(
            (
                o
                for o in present
                if (o.id, h.id) not in met and (o.id, h.id) not in forbidden and free(o, slot)
            ),
            key=lambda o: (o.id not in pinned, total[o.id], o.id),
        )
        for topic in h.expertise:
            for lang in h.languages:
                options = [None]
                if interpreters:
                    options += [
                        i
                        for i in interpreters_at[slot.id].get(site, ())
                        if lang in i.languages and free(i, slot)
                    ][:3]
                for interp in options:
                    chosen, countries = [], defaultdict(int)
                    for o in candidates:
                        if len(chosen) >= max_guests:
                            break
                        if o.interests.get(topic, 0) < 1:
                            continue
                        if lang not in o.languages and not (
                            interp is not None and set(o.languages) & set(interp.languages)
                        ):
                            continue
                        if countries[o.country] >= p.max_same_country:
                            continue
                        chosen.append(o)
                        countries[o.country] += 1
                    if interp is not None and all(lang in o.languages for o in chosen):
                        continue  # an interpreter nobody needs
                    ids = {o.id for o in chosen}
                    score = (all(x in ids for x in pinned), len(chosen), interp is None)
                    if len(chosen) >= p.min_guests and (best is None or score > best[0]):
                        best = (score, topic, lang, interp, chosen)
        if best is None:
            return False
        _, topic, lang, interp, chosen = best
        take(h, slot)
        hosts_used.add((h.id, slot.id))
        if interp is not None:
            take(interp, slot)
        for o in chosen:
            take(o, slot)
            met.add((o.id, h.id))
        ids = [o.id for o in chosen]
        sessions.append(
            Session(
                id=f"s-{len(sessions) + 1:04d}",
                host=h.id,
                slot=slot.id,
                topic=topic,
                language=lang,
                officials=ids,
                interpreter=interp.id if interp is not None else None,
                mode=Mode.VIRTUAL if site == "*" else Mode.IN_PERSON,
                location=None if site == "*" else h.location,
                pinned=[x for x in pinned if x in ids],
            )
        )
        return True

    sites = [x.id for x in sc.locations] + sorted(
        {h.location for h in sc.hosts} - {x.id for x in sc.locations}
    )
    present_at: dict[str, dict[str, list]] = {}  # slot id -> site -> officials there for the whole slot
    for slot in slots:
        by_site = present_at[slot.id] = {site: [] for site in sites}
        by_site["*"] = []
        for o in sc.officials:
            locs = _where(o, slot)
            for site in sites:
                if _at_site(locs, site):
                    by_site[site].append(o)
            if locs is not None:
                by_site["*"].append(o)
    interpreters_at: dict[str, dict[str, list]] = {}  # slot id -> site -> interpreters there
    for slot in slots:
        interpreters_at[slot.id] = {
            site: [i for i in sc.interpreters if _at_site(_where(i, slot), site)] for site in sites
        }
        interpreters_at[slot.id]["*"] = [i for i in sc.interpreters if _where(i, slot) is not None]
    for pinned_pass in (True, False):
        for slot in slots:
            for h in sc.hosts:
                key = (h.id, slot.id)
                if key in hosts_used or pinned_pass != bool(pins.get(key)):
                    continue
                if _where(h, slot) is None or not free(h, slot):
                    continue
                pinned = pins.get(key, [])
                if not fill(h, slot, present_at[slot.id][h.location], pinned, h.location) and h.virtual:
                    fill(h, slot, present_at[slot.id]["*"], pinned, "*")
    sessions.sort(key=lambda s: s.id)
    return Schedule(sessions=sessions, program=p.name)
