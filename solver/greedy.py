"""Construction heuristics: a quick valid schedule before (and without) CP-SAT.

``greedy`` is the careful coordinator's method and the benchmark baseline: slot by slot,
each free host takes the topic (and language, mode, interpreter) that draws the most
guests, least-served guests first. Pins and the previous schedule's pinned sessions are
placed first; ``repair`` starts from a previous schedule, keeps every session and
assignment that is still valid, then fills in greedily.

Every session built here keeps every hard rule, so the result is a valid schedule (pins
that cannot be placed are left out and reported by the caller).
"""

from __future__ import annotations

from collections import defaultdict

from solver.kernel import Book, Draft, LangOption, at_site
from solver.problem import Problem
from solver.types import IN_PERSON, VIRTUAL, PreviousSession

__all__ = ["Book", "Draft", "greedy", "polish", "repair"]


def _pick(book: Book, slot: str, host: str, pool: list[str], cap: int) -> list[str]:
    """Up to ``cap`` guests from ``pool`` (already in priority order), keeping the
    country limit."""
    pb = book.pb
    chosen: list[str] = []
    per_country: dict[str, int] = defaultdict(int)
    for o in pool:
        if len(chosen) >= cap:
            break
        c = pb.officials[o].country
        if per_country[c] >= pb.rules.max_same_country:
            continue
        chosen.append(o)
        per_country[c] += 1
    return chosen


def best_session(
    book: Book,
    host: str,
    slot: str,
    required: tuple[str, ...] = (),
    fixed: PreviousSession | None = None,
    exclude: frozenset[str] = frozenset(),
    avoid_interpreters: frozenset[str] = frozenset(),
) -> Draft | None:
    """The session of ``host`` at ``slot`` that draws the most guests (then the most
    interest), with the ``required`` officials in it; None if none reaches min_guests.

    Tried: each topic, mode and language option; language options that serve the same
    languages (and both with or both without an interpreter) draw the same guests, so
    only the first is tried (it is the one that won before too: ties keep the first)."""
    pb = book.pb
    k = pb.kernel
    h = pb.hosts[host]
    rules = pb.rules
    offs = pb.officials
    req = [offs[o] for o in required]
    topics = [
        t
        for t in ([fixed.topic] if fixed else h.expertise)
        if t in h.expertise and all(o.interests.get(t, 0) >= 1 for o in req)
    ]
    if not topics:
        return None
    modes = [fixed.mode] if fixed else ([IN_PERSON, VIRTUAL] if h.virtual else [IN_PERSON])
    serves = k.serves(host, slot)
    usable: list[tuple[LangOption, int]] = []
    for i, opt in enumerate(pb.options.get((host, slot), ())):
        if fixed and opt.language != fixed.language:
            continue
        if opt.interpreter and (
            opt.interpreter in avoid_interpreters or not book.free(opt.interpreter, slot)
        ):
            continue
        usable.append((opt, serves[i]))
    per_mode: list[tuple[str, list[tuple[LangOption, int]]]] = []
    for mode in modes:
        if mode == VIRTUAL and not h.virtual:
            continue
        seen: set[tuple[int, bool]] = set()
        distinct = []
        for opt, mask in usable:
            same = (mask, opt.interpreter is None)
            if (mode == IN_PERSON and not opt.in_person_ok) or same in seen:
                continue
            seen.add(same)
            distinct.append((opt, mask))
        per_mode.append((mode, distinct))
    # officials who could be there (at the host's site, or anywhere for a host with
    # video), interested in the topic and free (the kernel's indexes)
    where = None if h.virtual else h.location
    free_now = book.free_officials(slot)
    met, forbidden = book.met, k.forbidden
    by_topic: dict[str, list[str]] = {}
    for t in topics:
        by_topic[t] = [
            o
            for o in k.interested(slot, t, where)
            if o in free_now
            and (o, host) not in met
            and (o, host) not in forbidden
            and o not in required
            and o not in exclude
        ]
    local = None
    if h.virtual:
        local = {o for xs in by_topic.values() for o in xs if at_site(offs[o].availability[slot], h)}
    speaks = k.speaks
    best, best_key = None, None
    for t in topics:
        interested = by_topic[t]
        if len(interested) + len(req) < rules.min_guests:
            continue
        interested.sort(key=lambda o: _priority(book, o, t))
        for mode, distinct in per_mode:
            ranked = (
                [o for o in interested if o in local]
                if mode == IN_PERSON and local is not None
                else interested
            )
            for opt, mask in distinct:
                if req and not all(k.fits(o, h, slot, t, opt, mode) for o in req):
                    continue
                pool = [o for o in ranked if speaks[o] & mask]
                guests = list(required) + _pick(book, slot, host, pool, rules.max_guests - len(required))
                if len(guests) < rules.min_guests or pb.kernel.country_excess(guests):
                    continue
                interest = sum(offs[o].interests[t] for o in guests)
                key = (len(guests), interest, opt.interpreter is None, mode == IN_PERSON)
                if best_key is None or key > best_key:
                    best_key = key
                    best = Draft(host, slot, t, opt.language, mode, opt.interpreter, guests, list(required))
    return best


def _priority(book: Book, o: str, t: str) -> tuple[bool, int, int, str]:
    """Least-served first (relative to their minimum), then the strongest interest."""
    off = book.pb.officials[o]
    served = book.total[o]
    below = served < off.min_sessions
    return (not below, served - off.min_sessions, -off.interests.get(t, 0), o)


def place_pinned_sessions(book: Book) -> list[str]:
    """Place the previous schedule's pinned sessions; returns those that could not be."""
    pb = book.pb
    failed: list[str] = []
    seeded = {(d.host, d.slot): d for d in book.sessions}
    for ps in pb.inp.previous or ():
        if not ps.pinned:
            continue
        d0 = seeded.get((ps.host, ps.slot))
        if d0 is not None and d0.topic == ps.topic and all(o in d0.officials for o in ps.pinned):
            d0.id = ps.id
            continue
        if (
            ps.host not in pb.hosts
            or not book.host_free(ps.host, ps.slot)
            or ps.slot not in pb.hosts[ps.host].availability
        ):
            failed.append(f"session {ps.id}")
            continue
        if not all(o in pb.officials and book.official_free(o, ps.slot, ps.host) for o in ps.pinned):
            failed.append(f"session {ps.id}")
            continue
        if _keep_previous(book, ps):  # as it was, with every member still valid
            kept = book.sessions[-1]
            if all(o in kept.officials for o in ps.pinned):
                kept.pinned = [o for o in kept.officials if o in ps.pinned]
                continue
            book.close(kept)
        d = best_session(book, ps.host, ps.slot, tuple(ps.pinned), fixed=ps)
        if d is None:
            failed.append(f"session {ps.id}")
            continue
        d.id = ps.id
        book.open(d)
    return failed


def place_pins(
    book: Book,
    elsewhere: dict[tuple[str, str], set[str]] | None = None,
    busy_interpreters: frozenset[str] = frozenset(),
) -> list[str]:
    """Place the scenario pins: join the session already at the pin's host slot, or open
    the best session there. Returns the pins that could not be placed.
    ``elsewhere[(host, slot)]``: officials in another session at that time in the previous
    schedule, not taken away for a pin's new session (a re-solve changes little)."""
    pb = book.pb
    elsewhere = elsewhere or {}
    failed: list[str] = []
    by_key = {(d.host, d.slot): d for d in book.sessions}
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in pb.inp.pins:
        groups[(p.host, p.slot)].append(p.official)
    for (h, s), offs in groups.items():
        offs = list(dict.fromkeys(offs))
        d = by_key.get((h, s))
        if d is not None and not d.pinned and not all(o in d.officials or book.can_join(d, o) for o in offs):
            book.close(d)  # a previous session the pinned officials cannot join: form it anew
            d = None
        if d is not None:
            for o in offs:
                if o in d.officials:
                    if o not in d.pinned:
                        d.pinned.append(o)
                elif book.can_join(d, o):
                    book.add(d, o)
                    d.pinned.append(o)
                else:
                    failed.append(f"pin {o} with {h} at {s}")
            continue
        if (
            h not in pb.hosts
            or (h, s) not in pb.options
            or not book.host_free(h, s)
            or not all(o in pb.officials and book.official_free(o, s, h) for o in offs)
        ):
            failed.extend(f"pin {o} with {h} at {s}" for o in offs)
            continue
        # other pinned officials are not taken as extras (their own pins come later)
        others_pinned = frozenset(o for (h2, s2), xs in groups.items() if (h2, s2) != (h, s) for o in xs)
        d = best_session(
            book,
            h,
            s,
            tuple(offs),
            exclude=(frozenset(elsewhere.get((h, s), ())) | others_pinned) - set(offs),
            avoid_interpreters=busy_interpreters,
        )
        if d is None:
            d = best_session(book, h, s, tuple(offs))
        if d is None:
            failed.extend(f"pin {o} with {h} at {s}" for o in offs)
            continue
        book.open(d)
        by_key[(h, s)] = d
    return failed


def place_fixed(book: Book) -> list[str]:
    """Place the previous schedule's pinned sessions, then the scenario pins."""
    return place_pinned_sessions(book) + place_pins(book)


def fill(book: Book) -> None:
    """Slot by slot, each free host opens its best session; then top up open sessions."""
    pb = book.pb
    hosts_at: dict[str, list[str]] = defaultdict(list)
    for h, s in pb.host_slots:
        hosts_at[s].append(h)
    taken = {(d.host, d.slot) for d in book.sessions}
    for s in pb.slot_order:
        # hosts with the fewest remaining chances first
        for h in sorted(hosts_at[s], key=lambda h: (len(pb.hosts[h].availability), h)):
            if (h, s) in taken or not book.host_free(h, s):
                continue
            d = best_session(book, h, s)
            if d is not None:
                book.open(d)
                taken.add((h, s))
    top_up(book)


def top_up(book: Book) -> None:
    """Add officials below their minimum (then anyone) to sessions with room."""
    pb = book.pb
    for d in book.sessions:
        if len(d.officials) >= pb.rules.max_guests:
            continue
        where = None if d.mode == VIRTUAL else pb.hosts[d.host].location
        pool = [o for o in pb.kernel.interested(d.slot, d.topic, where) if book.can_join(d, o)]
        pool.sort(key=lambda o: _priority(book, o, d.topic))
        for o in pool:
            if len(d.officials) >= pb.rules.max_guests:
                break
            if book.can_join(d, o):
                book.add(d, o)


def _seed(book: Book, seeds: list[Draft]) -> None:
    """Open sessions found for the pins beforehand (the pin check's sessions)."""
    for d in seeds:
        book.open(d.copy())


def greedy(pb: Problem, seeds: list[Draft] | None = None) -> tuple[list[Draft], list[str]]:
    """The construction heuristic; returns the sessions and the pins it could not place.
    ``seeds``: sessions keeping the pins, placed first (from :func:`solver.diagnosis.pin_check`)."""
    book = Book(pb)
    _seed(book, seeds or [])
    failed = place_fixed(book)
    fill(book)
    return book.sessions, failed


def repair(pb: Problem, seeds: list[Draft] | None = None) -> tuple[list[Draft], list[str]]:
    """Start from the previous schedule: its pinned sessions; the previous sessions at the
    pins' host slots; the pins; every other previous session and assignment that is still
    valid; then greedy filling."""
    book = Book(pb)
    prev = pb.inp.previous or ()
    # the previous schedule's counts: who was busy then, or at a limit that day
    before = Book(pb)
    members: dict[tuple[str, str], set[str]] = {}
    for ps in prev:
        members[(ps.host, ps.slot)] = set(ps.officials)
        if ps.slot in pb.slots:
            for o in ps.officials:
                if o in pb.officials:
                    before.count(o, ps.slot)
    pin_slots = {(p.host, p.slot) for p in pb.inp.pins}
    elsewhere = {}
    for h, s in pin_slots:
        if h in pb.hosts and s in pb.slots:
            # in another previous session then, or joining would push one of theirs out
            busy = {o for o in pb.officials_at(s) if not before.free(o, s)}
            elsewhere[(h, s)] = busy - members.get((h, s), set())

    _seed(book, seeds or [])
    failed = place_pinned_sessions(book)
    placed = {(d.host, d.slot) for d in book.sessions}
    # previous sessions where a pin is: kept first, so the pin joins them
    for ps in prev:
        if (ps.host, ps.slot) in pin_slots and (ps.host, ps.slot) not in placed:
            if _keep_previous(book, ps):
                placed.add((ps.host, ps.slot))
    # interpreters of the previous schedule are not taken for a pin's new session (their
    # limits could push a previous session out)
    busy_interpreters = frozenset(ps.interpreter for ps in prev if ps.interpreter)
    failed += place_pins(book, elsewhere, busy_interpreters)
    placed = {(d.host, d.slot) for d in book.sessions}
    for ps in prev:
        if (ps.host, ps.slot) not in placed and _keep_previous(book, ps):
            placed.add((ps.host, ps.slot))
    fill(book)
    return book.sessions, failed


def _keep_previous(book: Book, ps: PreviousSession) -> bool:
    """Keep a previous session with its members that are still valid (and free); False
    when it can no longer be held."""
    pb = book.pb
    if (
        ps.host not in pb.hosts
        or (ps.host, ps.slot) not in pb.options
        or not book.host_free(ps.host, ps.slot)
    ):
        return False
    h = pb.hosts[ps.host]
    if ps.topic not in h.expertise or ps.language not in h.languages:
        return False
    if ps.mode == VIRTUAL and not h.virtual:
        return False
    interp = ps.interpreter
    if interp is not None:
        ok = (
            interp in pb.interpreters
            and ps.slot in pb.interpreters[interp].availability
            and ps.language in pb.interpreters[interp].languages
            and book.interpreter_free(interp, ps.slot)
        )
        if ok and ps.mode == IN_PERSON:
            ok = at_site(pb.interpreters[interp].availability[ps.slot], h)
        if not ok:
            interp = None
    d = Draft(ps.host, ps.slot, ps.topic, ps.language, ps.mode, interp, [], [], ps.id)
    opt = LangOption(d.language, d.interpreter, True)
    guests: list[str] = []
    for o in ps.officials:
        if o not in pb.officials or o in guests or len(guests) >= pb.rules.max_guests:
            continue
        if (
            pb.kernel.fits(pb.officials[o], h, d.slot, d.topic, opt, d.mode)
            and book.official_free(o, d.slot, d.host)
            and not pb.kernel.country_excess(guests + [o])
        ):
            guests.append(o)
    if len(guests) < pb.rules.min_guests:
        return False
    d.officials = guests
    book.open(d)
    return True


def polish(pb: Problem, sessions: list[Draft]) -> list[Draft]:
    """A copy of a valid schedule with every official who can still join a session with
    room added to it (adding never makes the objective worse)."""
    book = Book(pb, [d.copy() for d in sessions])
    top_up(book)
    return book.sessions
