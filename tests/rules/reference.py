"""A slow, plain re-check of the hard rules, written independently of ``exchange_app.rules``.

It follows the spec line by line with nested loops over the whole schedule and direct
datetime comparisons, and returns the set of ``(rule, code, session, person, detail)``
the checker is expected to report. Which session a cross-session violation is reported
on is the checker's documented choice: a double booking and a second meeting with a
host on the later session (by slot start, slot end, slot id, session id) naming the
first earlier one; limits on no session; a broken pin on the first session of that host at
that slot (in schedule order), if any.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from exchange_app.domain import Mode, Scenario, Schedule


def plain_check(sc: Scenario, sch: Schedule) -> set[tuple]:
    out: set[tuple] = set()
    officials = {o.id: o for o in sc.officials}
    hosts = {h.id: h for h in sc.hosts}
    interpreters = {i.id: i for i in sc.interpreters}
    slots = {s.id: s for s in sc.slots}
    topics = {t.id for t in sc.topics}
    p = sc.program

    def windows(person, slot):
        return [w for w in person.availability if w.start <= slot.start and slot.end <= w.end]

    def site_ok(person, slot, site):
        return any(w.location is None or w.location == site for w in windows(person, slot))

    def add(rule, code, session=None, person=None, detail=None):
        out.add((rule, code, session, person, detail))

    ids = [s.id for s in sch.sessions]
    for sid in set(ids):
        if ids.count(sid) > 1:
            add(2, "duplicate-session-id", sid)

    for s in sch.sessions:
        host = hosts.get(s.host)
        slot = slots.get(s.slot)
        interp = interpreters.get(s.interpreter) if s.interpreter else None
        if host is None:
            add(1, "unknown-host", s.id, s.host)
        if s.topic not in topics:
            add(1, "unknown-topic", s.id)
        if slot is None:
            add(2, "unknown-slot", s.id)
        if s.interpreter and interp is None:
            add(5, "unknown-interpreter", s.id, s.interpreter)
        # rule 1
        if host and s.topic in topics and s.topic not in host.expertise:
            add(1, "topic-not-in-expertise", s.id, s.host)
        if host and s.language not in host.languages:
            add(1, "language-not-spoken-by-host", s.id, s.host)
        # rule 2 (availability)
        if host and slot and not windows(host, slot):
            add(2, "unavailable", s.id, s.host)
        if interp and slot and not windows(interp, slot):
            add(2, "unavailable", s.id, s.interpreter)
        # rule 3
        distinct = []
        for oid in s.officials:
            if oid not in distinct:
                distinct.append(oid)
        if len(distinct) < p.min_guests:
            add(3, "too-few-guests", s.id)
        if len(distinct) > p.max_guests:
            add(3, "too-many-guests", s.id)
        for oid in distinct:
            if s.officials.count(oid) > 1:
                add(3, "listed-twice", s.id, oid)
        countries = [officials[o].country for o in distinct if o in officials]
        for c in set(countries):
            if countries.count(c) > p.max_same_country:
                add(3, "country-limit", s.id, None, c)
        # rule 5 (interpreter)
        if interp and s.language not in interp.languages:
            add(5, "interpreter-language", s.id, s.interpreter)
        # rule 6
        if s.mode == Mode.VIRTUAL:
            if host and not host.virtual:
                add(6, "virtual-not-offered", s.id, s.host)
            if s.location is not None:
                add(6, "session-location", s.id)
        elif s.mode == Mode.IN_PERSON:
            if host and s.location != host.location:
                add(6, "session-location", s.id, s.host)
            if (
                host
                and interp
                and slot
                and windows(interp, slot)
                and not site_ok(interp, slot, host.location)
            ):
                add(6, "wrong-site", s.id, s.interpreter)
        else:
            add(6, "unknown-mode", s.id)
        # per official
        for oid in distinct:
            o = officials.get(oid)
            if o is None:
                add(2, "unknown-official", s.id, oid)
                continue
            if slot and not windows(o, slot):
                add(2, "unavailable", s.id, oid)
            elif slot and host and s.mode == Mode.IN_PERSON and not site_ok(o, slot, host.location):
                add(6, "wrong-site", s.id, oid)
            if s.topic in topics and o.interests.get(s.topic, 0) < 1:
                add(4, "no-interest", s.id, oid)
            if s.language not in o.languages:
                if not (
                    interp and s.language in interp.languages and set(o.languages) & set(interp.languages)
                ):
                    add(5, "language-barrier", s.id, oid)
            if any(f.official == oid and f.host == s.host for f in sc.forbidden):
                add(9, "forbidden-pair", s.id, oid, s.host)
        for oid in s.pinned:
            if oid not in s.officials:
                add(9, "pinned-not-in-session", s.id, oid)

    # across sessions, for every person of the program
    def order(s):
        slot = slots.get(s.slot)
        if slot is None:
            return (1, None, None, None, s.id)
        return (0, slot.start, slot.end, slot.id, s.id)

    tz = ZoneInfo(p.timezone)
    people = (
        [("o", x) for x in sc.officials] + [("h", x) for x in sc.hosts] + [("i", x) for x in sc.interpreters]
    )
    for kind, person in people:

        def takes_part(s):
            if kind == "o":
                return person.id in s.officials
            if kind == "h":
                return s.host == person.id
            return s.interpreter == person.id

        mine = sorted([s for s in sch.sessions if takes_part(s)], key=order)
        for i, b in enumerate(mine):  # each later session names the first earlier one it overlaps
            for a in mine[:i]:
                sa, sb = slots.get(a.slot), slots.get(b.slot)
                if sa and sb and sa.start < sb.end and sb.start < sa.end:
                    add(2, "double-booked", b.id, person.id, a.id)
                    break
        limit = person.max_sessions if person.max_sessions is not None else p.max_sessions
        if len(mine) > limit:
            add(7, "max-sessions", None, person.id)
        per_day = person.max_per_day if person.max_per_day is not None else p.max_per_day
        days = [slots[s.slot].start.astimezone(tz).date() for s in mine if s.slot in slots]
        for d in set(days):
            if days.count(d) > per_day:
                add(7, "max-per-day", None, person.id, d.isoformat())
        if kind == "o":
            for i, b in enumerate(mine):
                earlier = [a for a in mine[:i] if a.host == b.host]
                if earlier:
                    add(8, "same-host-twice", b.id, person.id, earlier[0].id)

    for pin in sc.pins:
        there = [s for s in sch.sessions if s.host == pin.host and s.slot == pin.slot]
        if not any(pin.official in s.officials for s in there):
            add(9, "pin-not-kept", there[0].id if there else None, pin.official, f"{pin.host}@{pin.slot}")
    return out
