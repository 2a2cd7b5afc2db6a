"""Each hard rule, broken in one minimal way on a small valid program, is reported exactly."""

from __future__ import annotations

from dataclasses import replace

import pytest

from exchange_app.domain import Forbidden, Mode, Session, Window
from exchange_app.rules import CheckReport, RuleContext, Violation, check_schedule
from tests.rules.helpers import make_scenario, make_schedule, person, session, t


def found(report: CheckReport) -> set[tuple]:
    return {(v.rule, v.code, v.session, v.person) for v in report.violations}


def test_valid_program_reports_nothing():
    report = check_schedule(make_scenario(), make_schedule())
    assert report.violations == []
    assert report.ok
    assert report.by_rule() == {}


# Each case: (edit(scenario, schedule), the violations expected as (rule, code, session, person)).
def _set(obj, **kw):
    for k, v in kw.items():
        setattr(obj, k, v)


def _no_window_at(sc, pid, slot_start):
    """The person keeps day 2 only: unavailable on day 1."""
    person(sc, pid).availability = [w for w in person(sc, pid).availability if w.start > t(slot_start)]


CASES = {
    # rule 1
    "topic-not-in-expertise": (
        lambda sc, sch: _set(session(sch, "S1"), topic="aud"),
        {(1, "topic-not-in-expertise", "S1", "h1")},
    ),
    "language-not-spoken-by-host": (
        lambda sc, sch: _set(session(sch, "S1"), language="fr"),
        {(1, "language-not-spoken-by-host", "S1", "h1")},
    ),
    # rule 2
    "official unavailable": (
        lambda sc, sch: _no_window_at(sc, "o2", "2026-11-02T15:00+00:00"),
        {(2, "unavailable", "S1", "o2")},
    ),
    "host unavailable": (
        lambda sc, sch: _no_window_at(sc, "h3", "2026-11-02T16:00+00:00"),
        {(2, "unavailable", "S3", "h3")},
    ),
    "interpreter unavailable": (
        lambda sc, sch: _no_window_at(sc, "i1", "2026-11-02T15:00+00:00"),
        {(2, "unavailable", "S1", "i1")},
    ),
    "window ends before the slot does": (
        lambda sc, sch: _set(
            person(sc, "o2"),
            availability=[
                Window(start=t("2026-11-02T14:00+00:00"), end=t("2026-11-02T15:59+00:00"), location="phx"),
                Window(start=t("2026-11-02T16:00+00:00"), end=t("2026-11-02T18:00+00:00"), location="phx"),
            ],
        ),
        {(2, "unavailable", "S1", "o2")},
    ),
    "official in overlapping slots": (
        lambda sc, sch: _set(session(sch, "S3"), slot="d1-1530"),
        {(2, "double-booked", "S3", "o1")},
    ),
    "host in overlapping slots": (
        lambda sc, sch: sch.sessions.append(
            Session(
                id="S5",
                host="h3",
                slot="d1-1530",
                topic="tab",
                language="en",
                location="phx",
                officials=["o6", "o7"],
            )
        ),
        {(2, "double-booked", "S3", "h3")},
    ),
    "interpreter in the same slot twice": (
        lambda sc, sch: sch.sessions.append(
            Session(
                id="S5",
                host="h3",
                slot="d1-15",
                topic="tab",
                language="en",
                interpreter="i1",
                location="phx",
                officials=["o6", "o2"],
            )
        ),
        {(2, "double-booked", "S5", "i1"), (2, "double-booked", "S5", "o2")},
    ),
    # rule 3
    "too-few-guests": (
        lambda sc, sch: session(sch, "S2").officials.remove("o4"),
        {(3, "too-few-guests", "S2", None)},
    ),
    "too-many-guests": (
        lambda sc, sch: session(sch, "S1").officials.append("o7"),
        {(3, "too-many-guests", "S1", None)},
    ),
    "country-limit": (
        lambda sc, sch: _set(session(sch, "S1"), officials=["o1", "o6"]),
        {(3, "country-limit", "S1", None)},
    ),
    "listed-twice": (
        lambda sc, sch: _set(session(sch, "S2"), officials=["o3", "o4", "o3"]),
        {(3, "listed-twice", "S2", "o3")},
    ),
    # rule 4
    "no-interest": (lambda sc, sch: _set(session(sch, "S3"), topic="acc"), {(4, "no-interest", "S3", "o3")}),
    # rule 5
    "language-barrier (no interpreter)": (
        lambda sc, sch: _set(session(sch, "S1"), interpreter=None),
        {(5, "language-barrier", "S1", "o2")},
    ),
    "language-barrier (interpreter lacks the official's language)": (
        lambda sc, sch: _set(person(sc, "i1"), languages=["en", "es"]),
        {(5, "language-barrier", "S1", "o2")},
    ),
    "interpreter-language": (
        lambda sc, sch: _set(session(sch, "S3"), interpreter="i2"),
        {(5, "interpreter-language", "S3", "i2")},
    ),
    # rule 6
    "official wrong-site": (
        lambda sc, sch: _set(
            person(sc, "o2"), availability=[replace(w, location="atl") for w in person(sc, "o2").availability]
        ),
        {(6, "wrong-site", "S1", "o2")},
    ),
    "interpreter wrong-site": (
        lambda sc, sch: _set(
            person(sc, "i1"), availability=[replace(w, location="atl") for w in person(sc, "i1").availability]
        ),
        {(6, "wrong-site", "S1", "i1")},
    ),
    "virtual-not-offered": (
        lambda sc, sch: _set(session(sch, "S1"), mode=Mode.VIRTUAL, location=None),
        {(6, "virtual-not-offered", "S1", "h1")},
    ),
    "in-person session elsewhere": (
        lambda sc, sch: _set(session(sch, "S1"), location="atl"),
        {(6, "session-location", "S1", "h1")},
    ),
    "in-person session without a location": (
        lambda sc, sch: _set(session(sch, "S1"), location=None),
        {(6, "session-location", "S1", "h1")},
    ),
    "virtual session with a location": (
        lambda sc, sch: _set(session(sch, "S2"), location="atl"),
        {(6, "session-location", "S2", None)},
    ),
    "in-person at the host's site, officials elsewhere": (
        lambda sc, sch: _set(session(sch, "S2"), mode=Mode.IN_PERSON, location="atl"),
        {(6, "wrong-site", "S2", "o3"), (6, "wrong-site", "S2", "o4")},
    ),
    # rule 7
    "max-sessions": (
        lambda sc, sch: _set(person(sc, "o1"), max_sessions=1),
        {(7, "max-sessions", None, "o1")},
    ),
    "max-sessions from the program default": (
        lambda sc, sch: _set(sc.program, max_sessions=1),
        {(7, "max-sessions", None, "o1"), (7, "max-sessions", None, "o3")},
    ),
    "max-per-day": (lambda sc, sch: _set(person(sc, "o1"), max_per_day=1), {(7, "max-per-day", None, "o1")}),
    "host max-sessions": (
        lambda sc, sch: (
            _set(person(sc, "h3"), max_sessions=1),
            sch.sessions.append(
                Session(
                    id="S5",
                    host="h3",
                    slot="d2-15",
                    topic="tab",
                    language="en",
                    location="phx",
                    officials=["o6", "o7"],
                )
            ),
        ),
        {(7, "max-sessions", None, "h3")},
    ),
    # rule 8
    "same-host-twice": (
        lambda sc, sch: _set(session(sch, "S3"), host="h1"),
        {(8, "same-host-twice", "S3", "o1")},
    ),
    # rule 9
    "pin-not-kept": (
        lambda sc, sch: _set(session(sch, "S1"), officials=["o6", "o2"], pinned=[]),
        {(9, "pin-not-kept", "S1", "o1")},
    ),
    "pin-not-kept, no session there": (
        lambda sc, sch: _set(session(sch, "S1"), slot="d1-1530"),
        {(9, "pin-not-kept", None, "o1"), (2, "double-booked", "S3", "o1")},
    ),
    "pinned-not-in-session": (
        lambda sc, sch: _set(session(sch, "S1"), pinned=["o1", "o7"]),
        {(9, "pinned-not-in-session", "S1", "o7")},
    ),
    "forbidden-pair": (
        lambda sc, sch: sc.forbidden.append(Forbidden(official="o2", host="h1")),
        {(9, "forbidden-pair", "S1", "o2")},
    ),
    # dangling references (a person or record deleted since the schedule was made)
    "unknown-host": (
        lambda sc, sch: _set(session(sch, "S3"), host="h-gone"),
        {(1, "unknown-host", "S3", "h-gone")},
    ),
    "unknown-topic": (
        lambda sc, sch: _set(session(sch, "S3"), topic="gone"),
        {(1, "unknown-topic", "S3", None)},
    ),
    "unknown-slot": (
        lambda sc, sch: _set(session(sch, "S2"), slot="gone"),
        {(2, "unknown-slot", "S2", None)},
    ),
    "unknown-official": (
        lambda sc, sch: _set(session(sch, "S3"), officials=["o1", "o-gone"]),
        {(2, "unknown-official", "S3", "o-gone")},
    ),
    "unknown-interpreter": (
        lambda sc, sch: _set(session(sch, "S3"), interpreter="i-gone"),
        {(5, "unknown-interpreter", "S3", "i-gone")},
    ),
    "official deleted from the program": (
        lambda sc, sch: _set(sc, officials=[o for o in sc.officials if o.id != "o4"]),
        {(2, "unknown-official", "S2", "o4")},
    ),
    "duplicate-session-id": (
        lambda sc, sch: _set(session(sch, "S3"), id="S2"),
        {(2, "duplicate-session-id", "S2", None)},
    ),
    "unknown-mode": (
        lambda sc, sch: _set(session(sch, "S2"), mode="hybrid"),
        {(6, "unknown-mode", "S2", None)},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_rule_broken_once_is_reported_exactly(case):
    edit, expected = CASES[case]
    sc, sch = make_scenario(), make_schedule()
    edit(sc, sch)
    report = check_schedule(sc, sch)
    assert found(report) == expected
    assert not report.ok
    for v in report.violations:
        assert 1 <= v.rule <= 9
        assert v.message and v.message[0].isupper() and v.message.endswith(".")
        assert v.session is None or v.session in v.message
        assert v.person is None or v.person in v.message
        assert "UTC" not in v.message  # times are shown in the site's zone
    assert set(report.by_rule()) == {r for r, *_ in expected}


def test_window_without_location_is_anywhere():
    sc, sch = make_scenario(), make_schedule()
    person(sc, "o2").availability = [replace(w, location=None) for w in person(sc, "o2").availability]
    assert check_schedule(sc, sch).ok


def test_one_window_of_several_at_the_site_is_enough():
    sc, sch = make_scenario(), make_schedule()
    o2 = person(sc, "o2")
    o2.availability = [replace(w, location="atl") for w in o2.availability] + o2.availability
    assert check_schedule(sc, sch).ok


def test_adjacent_slots_do_not_overlap_but_unequal_overlapping_slots_do():
    sc, sch = make_scenario(), make_schedule()
    assert check_schedule(sc, sch).ok  # o1 is in d1-15 and d1-16, which touch
    session(sch, "S3").slot = "d1-1530"
    (v,) = check_schedule(sc, sch).violations
    assert (v.code, v.session, v.person, v.detail) == ("double-booked", "S3", "o1", "S1")


def test_per_day_limit_counts_days_in_the_program_time_zone():
    """Slot 'late' starts on 3 Nov in UTC but on 2 Nov (22:00) in New York."""
    sc, sch = make_scenario(), make_schedule()
    person(sc, "o1").max_per_day = 2
    sch.sessions.append(
        Session(
            id="S4",
            host="h2",
            slot="late",
            topic="tab",
            language="en",
            mode=Mode.VIRTUAL,
            officials=["o1", "o7"],
        )
    )
    (v,) = check_schedule(sc, sch).violations
    assert (v.rule, v.code, v.person, v.detail) == (7, "max-per-day", "o1", "2026-11-02")
    assert "3 sessions on Mon 02 Nov 2026" in v.message and "S1, S3, S4" in v.message
    sc.program.timezone = "UTC"
    assert check_schedule(sc, sch).ok


def test_limits_default_to_the_program_values():
    sc, sch = make_scenario(), make_schedule()
    sc.program.max_per_day = 1
    found_ = found(check_schedule(sc, sch))
    # o1 has two sessions on day 1; so does no one else; hosts and interpreters have one each
    assert found_ == {(7, "max-per-day", None, "o1")}
    person(sc, "o1").max_per_day = 2  # a person's own value wins over the program's
    assert check_schedule(sc, sch).ok


def test_message_names_people_and_local_time():
    sc, sch = make_scenario(), make_schedule()
    _no_window_at(sc, "o2", "2026-11-02T15:00+00:00")
    (v,) = check_schedule(sc, sch).violations
    assert "Official O2 (o2)" in v.message
    assert "Mon 02 Nov 2026 08:00–09:00 MST" in v.message  # 15:00 UTC in Phoenix, the host's site
    assert "S1" in v.message
    assert "not available that day" in v.message


def test_unavailable_message_shows_that_days_windows():
    sc, sch = make_scenario(), make_schedule()
    person(sc, "h3").availability = [
        Window(start=t("2026-11-02T16:30+00:00"), end=t("2026-11-02T20:00+00:00"))
    ]
    (v,) = check_schedule(sc, sch).violations
    assert (v.code, v.person) == ("unavailable", "h3")
    assert "available that day 09:30–13:00 MST" in v.message


def test_virtual_session_times_in_the_hosts_zone_and_site_ignored():
    sc, sch = make_scenario(), make_schedule()
    session(sch, "S2").officials.remove("o4")
    (v,) = check_schedule(sc, sch).violations
    assert "Tue 03 Nov 2026 10:00–11:00 EST" in v.message  # h2 is in Atlanta


def test_pinned_official_missing_names_host_and_slot():
    sc, sch = make_scenario(), make_schedule()
    session(sch, "S1").officials = ["o6", "o2"]
    session(sch, "S1").pinned = []
    (v,) = check_schedule(sc, sch).violations
    assert v.detail == "h1@d1-15"
    assert "Official O1 (o1)" in v.message and "Host One (h1)" in v.message


def test_pin_naming_a_deleted_official_is_reported_not_raised():
    sc, sch = make_scenario(), make_schedule()
    sc.pins[0] = replace(sc.pins[0], official="o-gone")
    vs = check_schedule(sc, sch).violations
    assert {(v.code, v.person) for v in vs} == {("pin-not-kept", "o-gone")}


def test_context_is_reusable_across_schedules():
    sc = make_scenario()
    ctx = RuleContext(sc)
    good, bad = make_schedule(), make_schedule()
    session(bad, "S1").interpreter = None
    assert check_schedule(sc, good, ctx).ok
    assert [v.code for v in check_schedule(sc, bad, ctx).violations] == ["language-barrier"]
    assert check_schedule(sc, good, ctx).ok


def test_violation_is_frozen_and_keyed():
    v = Violation(1, "unknown-host", "Text.", "S1", "h1")
    with pytest.raises(AttributeError):
        v.rule = 2  # type: ignore[misc]
    assert v.key == (1, "unknown-host", "S1", "h1", None)


def test_empty_schedule():
    sc = make_scenario()
    from exchange_app.domain import Schedule

    report = check_schedule(sc, Schedule())
    # the pin cannot be kept without sessions
    assert found(report) == {(9, "pin-not-kept", None, "o1")}
    f = report.figures
    assert (f.sessions, f.assignments, f.total_interest, f.officials_at_min, f.mean_guests) == (
        0,
        0,
        0,
        0,
        0.0,
    )


def test_language_and_country_names():
    from exchange_app.rules import country_name, language_name

    assert language_name("fr") == "French (fr)"
    assert language_name("sw") == "Swahili (sw)"  # without "(macrolanguage)"
    assert language_name("tet") == "Tetum (tet)"
    assert language_name("xx") == "'xx'"
    assert country_name("KE") == "Kenya (KE)"
    assert country_name("ZZ") == "ZZ"
