"""Tiny hand-made programs for the solver tests, and the checks every result goes through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from exchange_app.domain import (
    Forbidden,
    Host,
    Interpreter,
    Location,
    Official,
    Pin,
    Program,
    Scenario,
    Slot,
    Topic,
    Window,
)
from exchange_app.services.solving import solve_scenario
from solver import SolveOptions

DAY1 = datetime(2026, 10, 29, 13, 0, tzinfo=UTC)  # 09:00 in New York
TOPICS = ["tabulation", "security", "logistics", "dispute-resolution"]
SITES = ["denver-co", "raleigh-nc"]


def slots(days: int = 1, per_day: int = 4) -> list[Slot]:
    out = []
    for d in range(days):
        for k in range(per_day):
            start = DAY1 + timedelta(days=d, hours=k)
            out.append(Slot(id=start.strftime("%Y%m%dT%H%MZ"), start=start, end=start + timedelta(hours=1)))
    return out


def all_day(sl: list[Slot], location: str | None = None, days: list[int] | None = None) -> list[Window]:
    """Windows covering every slot (of the given day indices), at ``location``."""
    out = []
    start_day = sl[0].start.date()
    by_day: dict[int, list[Slot]] = {}
    for s in sl:
        by_day.setdefault((s.start.date() - start_day).days, []).append(s)
    for d, ss in sorted(by_day.items()):
        if days is None or d in days:
            out.append(Window(start=ss[0].start, end=ss[-1].end, location=location))
    return out


def official(
    oid: str,
    country: str,
    sl,
    *,
    site: str | None = "denver-co",
    languages=("en",),
    interests=None,
    min_sessions: int = 1,
    max_sessions: int | None = None,
    max_per_day: int | None = None,
    days=None,
) -> Official:
    return Official(
        id=oid,
        name=oid,
        country=country,
        languages=list(languages),
        interests=dict(interests or {"tabulation": 2}),
        availability=all_day(sl, site, days),
        min_sessions=min_sessions,
        max_sessions=max_sessions,
        max_per_day=max_per_day,
    )


def host(
    hid: str,
    sl,
    *,
    site: str = "denver-co",
    languages=("en",),
    expertise=("tabulation",),
    virtual: bool = False,
    max_sessions: int | None = None,
    max_per_day: int | None = None,
    days=None,
) -> Host:
    return Host(
        id=hid,
        name=hid,
        location=site,
        languages=list(languages),
        expertise=list(expertise),
        availability=all_day(sl, None, days),
        virtual=virtual,
        max_sessions=max_sessions,
        max_per_day=max_per_day,
    )


def interpreter(iid: str, sl, *, languages=("en", "mn"), site: str | None = "denver-co") -> Interpreter:
    return Interpreter(id=iid, name=iid, languages=list(languages), availability=all_day(sl, site))


def scenario(sl, officials, hosts, interpreters=(), pins=(), forbidden=(), **program) -> Scenario:
    return Scenario(
        program=Program(name="Test program", **program),
        topics=[Topic(id=t, name=t.replace("-", " ").title()) for t in TOPICS],
        locations=[
            Location(id=s, name=s, timezone="America/Denver" if s == "denver-co" else "America/New_York")
            for s in SITES
        ],
        slots=list(sl),
        officials=list(officials),
        hosts=list(hosts),
        interpreters=list(interpreters),
        pins=[Pin(official=o, host=h, slot=s) for o, h, s in pins],
        forbidden=[Forbidden(official=o, host=h) for o, h in forbidden],
    )


def solve_checked(sc: Scenario, time_limit: float = 10.0, previous=None, allow=(), **options):
    """Solve and check with the product's rule checker: no violation except the codes in
    ``allow`` (e.g. a pin that was named as impossible). Tiny programs are solved to
    optimality in milliseconds; the generous limit only matters on a loaded machine."""
    outcome = solve_scenario(sc, SolveOptions(time_limit=time_limit, workers=2, **options), previous)
    bad = [v for v in outcome.report.violations if v.code not in allow]
    assert not bad, [v.message for v in bad]
    r = outcome.result
    assert r.objective is not None
    if r.bound is not None:
        assert r.bound >= r.objective - 1e-6
    return outcome


def reason(outcome, official_id: str) -> str:
    for u in outcome.schedule.unmatched:
        if u.official == official_id:
            return u.reason
    raise AssertionError(f"{official_id} is not unmatched")


def sessions_of(outcome, official_id: str):
    return [s for s in outcome.schedule.sessions if official_id in s.officials]
