"""A small hand-made program and a schedule that keeps every rule.

Program day 1 is Mon 2 Nov 2026 (after the DST change: New York is UTC-5, Phoenix UTC-7).

    slot     UTC            Phoenix (MST)
    d1-15    15:00-16:00    08:00-09:00
    d1-1530  15:30-16:30    (overlaps d1-15 and d1-16 without being equal to either)
    d1-16    16:00-17:00    (adjacent to d1-15: no overlap)
    late     03:00-04:00 on 3 Nov, which is still 2 Nov (22:00) in New York
    d2-15    15:00-16:00 on 3 Nov

    S1  h1 (phx) d1-15  tab  en  interpreter i1  in-person  o1 (pinned), o2 (speaks fr only)
    S2  h2 (atl) d2-15  tab  es  virtual                     o3, o4
    S3  h3 (phx) d1-16  tab  en  in-person                   o1, o3
"""

from __future__ import annotations

from datetime import datetime

from exchange_app.domain import (
    Forbidden,
    Host,
    Interpreter,
    Location,
    Mode,
    Official,
    Pin,
    Program,
    Scenario,
    Schedule,
    Session,
    Slot,
    Topic,
    Window,
)


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


DAY1 = (t("2026-11-02T14:00+00:00"), t("2026-11-03T05:00+00:00"))
DAY2 = (t("2026-11-03T14:00+00:00"), t("2026-11-03T18:00+00:00"))


def windows(location: str | None) -> list[Window]:
    return [Window(start=a, end=b, location=location) for a, b in (DAY1, DAY2)]


def official(oid, country, languages, interests, **kw) -> Official:
    return Official(
        id=oid,
        name=f"Official {oid.upper()}",
        country=country,
        languages=languages,
        interests=interests,
        availability=windows("phx"),
        **kw,
    )


def make_scenario() -> Scenario:
    return Scenario(
        program=Program(
            name="Test program",
            timezone="America/New_York",
            min_guests=2,
            max_guests=2,
            max_same_country=1,
            min_sessions=1,
            max_sessions=6,
            max_per_day=3,
        ),
        topics=[
            Topic(id="tab", name="Tabulation"),
            Topic(id="aud", name="Audits"),
            Topic(id="acc", name="Accessibility"),
        ],
        locations=[
            Location(id="phx", name="Phoenix", timezone="America/Phoenix"),
            Location(id="atl", name="Atlanta", timezone="America/New_York"),
        ],
        slots=[
            Slot(id="d1-15", start=t("2026-11-02T15:00+00:00"), end=t("2026-11-02T16:00+00:00")),
            Slot(id="d1-1530", start=t("2026-11-02T15:30+00:00"), end=t("2026-11-02T16:30+00:00")),
            Slot(id="d1-16", start=t("2026-11-02T16:00+00:00"), end=t("2026-11-02T17:00+00:00")),
            Slot(id="late", start=t("2026-11-03T03:00+00:00"), end=t("2026-11-03T04:00+00:00")),
            Slot(id="d2-15", start=t("2026-11-03T15:00+00:00"), end=t("2026-11-03T16:00+00:00")),
        ],
        officials=[
            official("o1", "KE", ["en"], {"tab": 2, "aud": 1, "acc": 1}),
            official("o2", "FR", ["fr"], {"tab": 3, "aud": 1}),
            official("o3", "GH", ["en", "es"], {"tab": 1, "aud": 2}),
            official("o4", "MX", ["es"], {"tab": 1}),
            official("o5", "BR", ["pt"], {"tab": 2}),
            official("o6", "KE", ["en"], {"tab": 1}),
            official("o7", "IN", ["en"], {"tab": 1}),
        ],
        hosts=[
            Host(
                id="h1",
                name="Host One",
                location="phx",
                languages=["en"],
                expertise=["tab", "acc"],
                availability=windows(None),
            ),
            Host(
                id="h2",
                name="Host Two",
                location="atl",
                languages=["en", "es"],
                expertise=["aud", "tab"],
                virtual=True,
                availability=windows(None),
            ),
            Host(
                id="h3",
                name="Host Three",
                location="phx",
                languages=["en"],
                expertise=["tab", "acc"],
                availability=windows(None),
            ),
        ],
        interpreters=[
            Interpreter(id="i1", name="Interpreter One", languages=["en", "fr"], availability=windows("phx")),
            Interpreter(id="i2", name="Interpreter Two", languages=["fr", "es"], availability=windows("phx")),
        ],
        pins=[Pin(official="o1", host="h1", slot="d1-15")],
        forbidden=[Forbidden(official="o5", host="h2", reason="conflict of interest declared")],
    )


def make_schedule() -> Schedule:
    return Schedule(
        program="Test program",
        sessions=[
            Session(
                id="S1",
                host="h1",
                slot="d1-15",
                topic="tab",
                language="en",
                interpreter="i1",
                mode=Mode.IN_PERSON,
                location="phx",
                officials=["o1", "o2"],
                pinned=["o1"],
            ),
            Session(
                id="S2",
                host="h2",
                slot="d2-15",
                topic="tab",
                language="es",
                mode=Mode.VIRTUAL,
                location=None,
                officials=["o3", "o4"],
            ),
            Session(
                id="S3",
                host="h3",
                slot="d1-16",
                topic="tab",
                language="en",
                mode=Mode.IN_PERSON,
                location="phx",
                officials=["o1", "o3"],
            ),
        ],
    )


def session(schedule: Schedule, sid: str) -> Session:
    return next(s for s in schedule.sessions if s.id == sid)


def person(scenario: Scenario, pid: str):
    return next(p for p in scenario.people() if p.id == pid)
