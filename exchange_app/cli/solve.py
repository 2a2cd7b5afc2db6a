"""Placeholder for the ``solve`` command (the solver engineer replaces this module)."""
from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser("solve", help="solve the program's schedule (not available yet)",
                              description="Solve the program's schedule (not available yet).")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print("solve: not available yet", file=sys.stderr)
    return 1
