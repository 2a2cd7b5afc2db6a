"""Quality figures on a hand-computed example."""

from __future__ import annotations

import pytest

from exchange_app.rules import _percentile, check_schedule, figures
from tests.rules.helpers import make_scenario, make_schedule, person


def test_figures_of_the_small_program():
    # S1 tab: o1 2 + o2 3;  S2 tab: o3 1 + o4 1;  S3 tab: o1 2 + o3 1  -> total 10
    # per official: o1 4, o2 3, o3 2, o4 1, o5 0, o6 0, o7 0
    sc, sch = make_scenario(), make_schedule()
    person(sc, "o1").min_sessions = 3  # o1 has 2 sessions: below their minimum
    f = check_schedule(sc, sch).figures
    assert f.sessions == 3
    assert f.assignments == 6
    assert f.total_interest == 10
    assert f.officials_total == 7
    assert f.officials_at_min == 3  # o2, o3, o4 (o1 below 3; o5..o7 in no session)
    assert f.lowest_interest == 0
    assert f.p10_interest == 0.0  # sorted 0,0,0,1,2,3,4: position 0.6 lies between two zeros
    assert f.interpreters_used == 1
    assert f.sessions_with_interpreter == 1
    assert f.mean_guests == 2.0
    assert f.countries_per_session == 2.0


def test_figures_when_everyone_takes_part():
    sc, sch = make_scenario(), make_schedule()
    sc.officials = [o for o in sc.officials if o.id in {"o1", "o2", "o3", "o4"}]
    sc.program.min_sessions = 2
    f = figures(sc, sch)
    # totals sorted 1, 2, 3, 4: minimum 1; p10 at position 0.3 -> 1 + 0.3 * (2 - 1)
    assert f.lowest_interest == 1
    assert f.p10_interest == pytest.approx(1.3)
    assert f.officials_at_min == 2  # o1 and o3 have two sessions
    assert f.officials_total == 4


@pytest.mark.parametrize(
    "values, q, expected",
    [
        ([], 0.1, 0.0),
        ([5], 0.1, 5.0),
        ([0, 10], 0.1, 1.0),
        ([3, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11], 0.1, 2.0),
        ([1, 2, 3, 4], 0.5, 2.5),
    ],
)
def test_percentile_is_linear_between_closest_ranks(values, q, expected):
    assert _percentile(values, q) == pytest.approx(expected)


def test_percentile_matches_statistics_inclusive():
    import statistics

    values = [7, 0, 3, 3, 9, 12, 1, 4, 4, 8, 2, 6, 5]
    assert _percentile(values, 0.1) == pytest.approx(
        statistics.quantiles(values, n=10, method="inclusive")[0]
    )
