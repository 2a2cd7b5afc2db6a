"""The one schedule diff (exchange_app.schedule_diff.diff_schedules), used by the CLI's
re-solve output and the app's re-optimize change list (their tests: tests/cli/test_cli.py
and tests/ui/test_schedule_diff.py)."""

from __future__ import annotations

from dataclasses import replace

from exchange_app.domain import Mode, Schedule, Session
from exchange_app.schedule_diff import diff_schedules


def _s(sid: str, host: str, slot: str, officials: list[str], topic: str = "t1") -> Session:
    return Session(
        id=sid, host=host, slot=slot, topic=topic, language="en", officials=officials, mode=Mode.IN_PERSON
    )


OLD = Schedule(
    sessions=[
        _s("s-1", "h1", "a", ["o1", "o2"]),
        _s("s-2", "h2", "a", ["o3"]),
        _s("s-3", "h1", "b", ["o4"]),
    ]
)


def test_the_same_schedule_has_no_changes():
    diff = diff_schedules(OLD, OLD)
    assert diff.empty and diff.officials_moved == []
    assert (diff.kept, diff.assignments_kept, diff.assignments_changed) == (3, 4, 0)


def test_a_renumbered_session_at_the_same_place_is_kept_and_moves_nobody():
    new = Schedule(sessions=[replace(OLD.sessions[0], id="s-9"), *OLD.sessions[1:]])
    diff = diff_schedules(OLD, new)
    assert diff.empty and diff.kept == 3
    assert diff.officials_moved == []


def test_an_official_who_changes_session_is_moved_once_with_where_from_and_to():
    new = Schedule(
        sessions=[
            _s("s-1", "h1", "a", ["o1"]),
            _s("s-2", "h2", "a", ["o3", "o2"]),
            OLD.sessions[2],
        ]
    )
    diff = diff_schedules(OLD, new)
    assert [(m.official, m.before, m.after) for m in diff.officials] == [("o2", ["s-1"], ["s-2"])]
    assert diff.officials_moved == ["o2"]
    assert not diff.added and not diff.removed and not diff.moved_sessions
    assert (diff.assignments_kept, diff.assignments_changed) == (3, 1)
    assert diff.describe() == (
        "0 sessions added, 0 removed, 3 kept; 1 official moved; 1 of 4 previous assignments changed"
    )


def test_a_session_moved_to_another_slot_moves_its_officials_and_new_ones_are_added():
    new = Schedule(
        sessions=[
            replace(OLD.sessions[0], slot="c"),  # same id, another slot
            OLD.sessions[1],
            _s("s-4", "h3", "b", ["o4"], topic="t2"),  # o4 left s-3 (gone) for a new session
        ]
    )
    diff = diff_schedules(OLD, new)
    assert [(a.id, b.slot) for a, b in diff.moved_sessions] == [("s-1", "c")]
    assert diff.sessions_added == ["s-4"] and diff.sessions_removed == ["s-3"]
    assert diff.officials_moved == ["o1", "o2", "o4"]
    assert diff.officials[2].before == ["s-3"] and diff.officials[2].after == ["s-4"]
    assert diff.assignments_changed == 3 and diff.kept == 2


def test_an_official_kept_at_their_pinned_host_and_time_is_not_moved_by_a_topic_change():
    pinned = Schedule(sessions=[replace(OLD.sessions[0], pinned=["o1"]), *OLD.sessions[1:]])
    new = Schedule(sessions=[replace(OLD.sessions[0], id="s-8", topic="t9"), *OLD.sessions[1:]])
    diff = diff_schedules(pinned, new)
    assert diff.officials_moved == ["o2"]  # o1's pin names host and slot, not the topic
    assert diff_schedules(OLD, new).officials_moved == ["o1", "o2"]  # without the pin both moved
