"""``exchange-app solve``: form the program's sessions and store them as a new version.

Shows a live progress line on stderr (one ``\\r`` line on a terminal; one line per
improvement otherwise), then prints the status, objective, bound, gap, the rule
checker's figures and the officials below their minimum with reasons. Ctrl-C stops the
search and stores the best schedule found so far.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, TextIO

from solver import Progress, SolveOptions

if TYPE_CHECKING:
    from exchange_app.services.solving import SolveOutcome


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "solve",
        help="form the sessions (OR-Tools CP-SAT) and store them as a new schedule version",
        description="Form the program's sessions and store them as a new schedule version (source 'solve', or "
        "'re-solve' when a schedule exists: its pinned sessions stay). Prints status, objective, "
        "bound, gap, the rule checker's figures and the officials below their minimum with reasons. "
        "Ctrl-C stops early and stores the best schedule so far.",
    )
    p.add_argument(
        "--time-limit", type=float, default=60.0, metavar="S", help="seconds to search (default 60)"
    )
    p.add_argument("--workers", type=int, default=2, metavar="N", help="CP-SAT worker threads (default 2)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    p.add_argument(
        "--keep-previous",
        action="store_true",
        help="change the latest schedule as little as possible (reward every kept assignment)",
    )
    p.set_defaults(run=run)


def process_age() -> float:
    """Seconds since this process started (Linux ``/proc``; 0 where unknown), so that
    the time limit also covers the interpreter's start-up and imports."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        ticks = os.sysconf("SC_CLK_TCK")
        return max(0.0, uptime - int(fields[19]) / ticks)
    except (OSError, ValueError, IndexError):
        return 0.0


class ProgressLine:
    """The live progress line: rewritten in place on a terminal, one line per report
    otherwise (so logs stay readable)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.width = 0
        self.last_objective: float | None = None

    def __call__(self, p: Progress) -> None:
        text = format_progress(p)
        if not self.tty:
            if p.objective == self.last_objective:
                return  # only improvements, when nobody watches a terminal
            self.last_objective = p.objective
        if self.tty:
            pad = " " * max(0, self.width - len(text))
            self.stream.write("\r" + text + pad)
            self.width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty and self.width:
            self.stream.write("\n")
            self.stream.flush()


def format_progress(p: Progress) -> str:
    parts = [f"{p.seconds:6.1f}s", p.phase]
    if p.objective is not None:
        parts.append(f"objective {p.objective:,.0f}")
    if p.bound is not None:
        parts.append(f"bound {p.bound:,.0f}")
    if p.officials_at_min is not None:
        parts.append(f"at minimum {p.officials_at_min:,}")
    if p.total_interest is not None:
        parts.append(f"interest {p.total_interest:,}")
    if p.at_min_bound is not None:
        parts.append(f"at most {p.at_min_bound:,} possible")
    if p.interest_bound is not None:
        parts.append(f"interest at most {p.interest_bound:,}")
    return "  ".join(parts)


def run(args: argparse.Namespace) -> int:
    # the time limit counts from the command's start: start-up, loading and storing too
    started = time.monotonic() - process_age()
    from exchange_app.cli.core import open_workspace, program_id
    from exchange_app.services.solving import solve_program

    options = SolveOptions(
        time_limit=args.time_limit, workers=args.workers, seed=args.seed, keep_previous=args.keep_previous
    )
    line = ProgressLine()
    cancel = threading.Event()
    with open_workspace(args) as ws:
        pid = program_id(ws, args)
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["outcome"] = solve_program(
                    ws, pid, options, progress=line, cancel=cancel, started=started
                )
            except BaseException as e:  # re-raised in the main thread
                box["error"] = e

        worker = threading.Thread(target=work, name="solve", daemon=True)
        worker.start()
        try:
            while worker.is_alive():
                worker.join(0.2)
        except KeyboardInterrupt:
            cancel.set()
            line.done()
            print("stopping: keeping the best schedule so far ...", file=sys.stderr)
            worker.join()
        line.done()
        if "error" in box:
            raise box["error"]
        outcome = box["outcome"]
    print_outcome(outcome)
    return 0 if outcome.report is None or outcome.report.ok else 1


def print_outcome(outcome: SolveOutcome, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    r = outcome.result

    def say(text: str = "") -> None:
        print(text, file=out)

    gap = "n/a" if r.gap is None else f"{100 * r.gap:.1f}%"
    bound = "n/a" if r.bound is None else f"{r.bound:,.0f}"
    objective = "n/a" if r.objective is None else f"{r.objective:,.0f}"
    first = "n/a" if r.first_solution_seconds is None else f"{r.first_solution_seconds:.1f} s"
    say(f"Status: {r.status}{' (stopped early)' if r.cancelled else ''}")
    say(f"Objective: {objective}   bound: {bound}   gap: {gap}")
    say(f"Time: {r.seconds:.1f} s (first schedule after {first})")
    if outcome.version is not None:
        say(f"Stored as schedule version {outcome.version}")
    if outcome.report is not None:
        f = outcome.report.figures
        say(f"Check: {outcome.report.summary()}")
        say(
            f"Sessions: {f.sessions:,}   assignments: {f.assignments:,}   total interest: {f.total_interest:,}"
        )
        say(
            f"Officials at their minimum: {f.officials_at_min:,} of {f.officials_total:,}   "
            f"lowest interest: {f.lowest_interest}   10th percentile: {f.p10_interest:g}"
        )
        from exchange_app.naming import quality_words

        how = f" (proven bounds: {r.bounds_method})" if r.bounds_method else ""
        say(
            "Quality: "
            + quality_words(
                f.officials_at_min, f.officials_total, f.total_interest, r.at_min_bound, r.interest_bound
            )
            + how
        )
        say(
            f"Interpreters used: {f.interpreters_used} (in {f.sessions_with_interpreter} sessions)   "
            f"officials per session: {f.mean_guests:.2f}   countries per session: {f.countries_per_session:.2f}"
        )
        for v in outcome.report.violations[:20]:
            say(f"  VIOLATION rule {v.rule}: {v.message}")
    if outcome.changes is not None:
        say(f"Changes: {outcome.changes.describe()}")
        moves = outcome.changes.officials
        for m in moves[:20]:
            was, now = ", ".join(m.before) or "none", ", ".join(m.after) or "none"
            say(f"  moved: {outcome.who(m.official)}: {was} -> {now}")
        if len(moves) > 20:
            say(f"  … and {len(moves) - 20:,} more")
    if r.pin_conflicts:
        say(f"Pins not kept ({len(r.pin_conflicts):,}):")
        for msg in r.pin_conflicts:
            say(f"  {msg}")
    unmatched = outcome.schedule.unmatched
    if unmatched:
        say(f"Officials below their minimum ({len(unmatched):,}):")
        who = outcome.who
        for u in unmatched:
            noun = "session" if u.min_sessions == 1 else "sessions"
            say(f"  {who(u.official)}, {u.sessions} of {u.min_sessions} {noun}: {u.reason}")
    else:
        say("Every official reaches their minimum.")
