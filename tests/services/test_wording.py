"""Counts in staff-facing summaries agree in number ("1 session added", "2 sessions"),
with no "(s)" and no "1 officials" (issue 12, names and plain numbers)."""

from __future__ import annotations

from pathlib import Path

from exchange_app.domain import Session
from exchange_app.io.output_folder import NeedsConfirmation
from exchange_app.schedule_diff import OfficialMove, ScheduleDiff


def test_resolve_change_summary_is_singular_for_one_and_plural_for_more():
    def session(sid: str) -> Session:
        return Session(id=sid, host="h-1", slot="s-01", topic="t", language="en", officials=["o-1"])

    one = ScheduleDiff(
        added=[session("s-1")], officials=[OfficialMove("o-1", [], ["s-1"])], kept=4, assignments_changed=1
    )
    assert one.describe() == (
        "1 session added, 0 removed, 4 kept; 1 official moved; 1 of 1 previous assignment changed"
    )
    more = ScheduleDiff(
        added=[session("s-1"), session("s-2")],
        removed=[session("s-3")],
        officials=[OfficialMove("o-1", [], ["s-1"]), OfficialMove("o-2", ["s-3"], [])],
        kept=1_200,
        assignments_kept=3,
        assignments_changed=2,
    )
    text = more.describe()
    assert text.startswith("2 sessions added, 1 removed, 1,200 kept; 2 officials moved;")
    assert "2 of 5 previous assignments changed" in text and "(s)" not in text


def test_a_folder_with_one_foreign_item_says_item():
    assert "(1 item: notes.txt)" in str(NeedsConfirmation(Path("out"), ["notes.txt"]))
    assert "(2 items: a, b)" in str(NeedsConfirmation(Path("out"), ["a", "b"]))
