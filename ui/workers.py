"""The solve as a background operation (:mod:`ui.operations`).

:func:`solve_operation` solves a *snapshot* (deep copies of the scenario and of the
previous schedule, so the window may go on editing); progress (``solver.Progress``) goes
to the operation's ``progress`` callback and ``cancel()`` makes the solve return the best
schedule found so far.
"""

from __future__ import annotations

import copy

from PySide6.QtWidgets import QWidget

from exchange_app.domain import Scenario, Schedule
from exchange_app.services.solving import SolveOutcome, solve_scenario
from solver.types import SolveOptions
from ui.operations import OpContext, Operation, op


def solve_operation(
    parent: QWidget | None,
    scenario: Scenario,
    options: SolveOptions,
    previous: Schedule | None = None,
    title: str = "Solve",
) -> Operation[SolveOutcome]:
    """An operation (not started yet) that solves copies of ``scenario`` and ``previous``."""
    scenario, previous = copy.deepcopy(scenario), copy.deepcopy(previous)

    def work(ctx: OpContext) -> SolveOutcome:
        return solve_scenario(
            scenario, options, previous=previous, progress=ctx.report, cancel=ctx.cancel_event
        )

    return op(parent, title, work)
