"""Matchmaking solver: forms dialogue sessions with OR-Tools CP-SAT.

Pure Python over OR-Tools; takes a plain :class:`SolverInput` and returns a plain
:class:`SolverResult` (it never imports ``exchange_app`` or Qt). See ``docs/solver.md``.
"""

import threading
from collections.abc import Callable

from solver.types import (
    IN_PERSON,
    VIRTUAL,
    Changes,
    ForbiddenIn,
    HostIn,
    InterpreterIn,
    OfficialIn,
    PinIn,
    PreviousSession,
    Progress,
    Rules,
    SessionOut,
    SlotIn,
    SolveOptions,
    SolverInput,
    SolverResult,
    UnmatchedOut,
)

__all__ = [
    "IN_PERSON",
    "VIRTUAL",
    "Changes",
    "ForbiddenIn",
    "HostIn",
    "InterpreterIn",
    "OfficialIn",
    "PinIn",
    "PreviousSession",
    "Progress",
    "Rules",
    "SessionOut",
    "SlotIn",
    "SolveOptions",
    "SolverInput",
    "SolverResult",
    "UnmatchedOut",
    "solve",
]


def solve(
    inp: SolverInput,
    options: SolveOptions | None = None,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    deadline: float | None = None,
) -> SolverResult:
    """Form the sessions; see :func:`solver.solve.solve`."""
    from solver.solve import solve as _solve

    return _solve(inp, options or SolveOptions(), progress, cancel, deadline)
