"""The solver's own check of the hard rules on its output (a guard, not the product's
rule checker: ``exchange_app.rules`` is the authority; this one lets the solver fall back
to another valid schedule if a result were ever wrong). The rules are the kernel's
(:func:`solver.kernel.violations`), the same ones the construction and the models keep."""

from __future__ import annotations

from solver.kernel import Draft, violations
from solver.problem import Problem


def problems(pb: Problem, sessions: list[Draft]) -> list[str]:
    """Every hard rule ``sessions`` break (empty: a valid schedule)."""
    return violations(pb, sessions)
