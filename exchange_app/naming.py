"""Names, not ids, wherever people read: one way to name people, hosts, sites and times
for the CLI and the app ("Mariam Batbayar (o-0012) with Denise Harris, Thu 29 Oct 11:00
EDT, Atlanta"), and plain number formatting ("1 official", "2 officials", "1,618").

Build one :class:`Names` per scenario; it never raises for a dangling id (a deleted
person or slot is shown by its id).
"""

from __future__ import annotations

from exchange_app.domain import Mode, Scenario, Session, zone


def number(value: float) -> str:
    """``1,618``; ``5.4`` for a fraction (one decimal), never exponent notation."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 official``, ``2 officials``, ``0 sessions`` (``many`` for irregular plurals)."""
    return f"{number(n)} {word if n == 1 else (many or word + 's')}"


class Names:
    """Readable names for the ids of one scenario."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.officials = scenario.officials_by_id()
        self.hosts = scenario.hosts_by_id()
        self.interpreters = scenario.interpreters_by_id()
        self.topics = scenario.topics_by_id()
        self.slots = scenario.slots_by_id()
        self.locations = scenario.locations_by_id()

    # -- people
    def name(self, person_id: str | None) -> str:
        """The person's name (their id when unknown)."""
        if person_id is None:
            return ""
        p = self.officials.get(person_id) or self.hosts.get(person_id) or self.interpreters.get(person_id)
        return p.name if p is not None else person_id

    def official(self, official_id: str) -> str:
        """``Mariam Batbayar (o-0012)``."""
        o = self.officials.get(official_id)
        return f"{o.name} ({official_id})" if o is not None else f"unknown official {official_id}"

    def topic(self, topic_id: str) -> str:
        t = self.topics.get(topic_id)
        return t.name if t is not None else topic_id

    # -- places and times
    def site_of_host(self, host_id: str) -> str | None:
        h = self.hosts.get(host_id)
        return h.location if h is not None else None

    def site(self, location_id: str | None) -> str:
        """The site's short name: ``Atlanta`` for "Atlanta, Georgia (Fulton County)"."""
        loc = self.locations.get(location_id) if location_id else None
        return loc.name.split(",")[0].strip() if loc is not None else (location_id or "")

    def zone_of_host(self, host_id: str) -> str:
        loc = self.locations.get(self.site_of_host(host_id) or "")
        return loc.timezone if loc is not None else self.scenario.program.timezone

    def when(self, slot_id: str, tz: str | None = None) -> str:
        """``Thu 29 Oct 11:00 EDT`` in zone ``tz`` (the program's by default)."""
        slot = self.slots.get(slot_id)
        if slot is None:
            return f"slot {slot_id}"
        start = slot.start.astimezone(zone(tz or self.scenario.program.timezone))
        return f"{start:%a} {start.day} {start:%b %H:%M} {start.tzname()}"

    def meeting(self, official_id: str, host_id: str, slot_id: str) -> str:
        """``Mariam Batbayar (o-0012) with Denise Harris, Thu 29 Oct 11:00 EDT, Atlanta``
        (the time at the host's site)."""
        return (
            f"{self.official(official_id)} with {self.name(host_id)}, "
            f"{self.when(slot_id, self.zone_of_host(host_id))}, {self.site(self.site_of_host(host_id))}"
        )

    def session(self, s: Session, officials: bool = False) -> str:
        """``Voter registration with Denise Harris, Thu 29 Oct 11:00 EDT, Atlanta`` (or
        ``…, by video``), with ``(3 officials)`` when asked."""
        where = "by video" if s.mode == Mode.VIRTUAL else self.site(s.location or self.site_of_host(s.host))
        text = f"{self.topic(s.topic)} with {self.name(s.host)}, {self.when(s.slot, self.zone_of_host(s.host))}, {where}"
        return text + (f" ({plural(len(s.officials), 'official')})" if officials else "")


def quality_words(
    at_min: int, total: int, interest: int, at_min_bound: int | None, interest_bound: int | None
) -> str:
    """The solve's quality for staff: ``132 of 150 reach their minimum; at most 138
    possible; interest within 4.2% of the best possible``.

    The bounds are the solver's proven ones (``solver/bounds.py``: no schedule that keeps
    the rules has more officials at their minimum, or more total interest); ``None``
    says "not proven"."""
    text = f"{number(at_min)} of {number(total)} reach their minimum"
    if at_min_bound is None:
        text += "; the most possible is not proven"
    else:
        most = min(total, max(at_min, at_min_bound))
        text += "; no more are possible" if most == at_min else f"; at most {number(most)} possible"
    if interest_bound is None:
        return text + "; the best possible interest is not proven"
    best = max(interest, interest_bound)
    pct = 100.0 * (best - interest) / max(1, best)
    if pct < 0.05:
        return text + "; interest at the best possible"
    return text + f"; interest within {pct:.1f}% of the best possible"
