"""Benchmark: the rule checker on generated large (600 officials) and xl (2,000) programs.

For each size: generates the program with the shared generator, builds a valid schedule
with the plain greedy of the checker's tests (``tests/rules/greedy.py``), then times

- ``RuleContext(scenario)``,
- ``check_schedule`` (first call, which also fills the context's availability cache, and
  the median of repeated calls), and prints its quality figures and verdict,
- ``why_not_join`` for one official against every session, one call per session (what a
  board that asks card by card costs) and ``why_not_join_all`` (one call for all),
- ``why_not_move_all`` for one session against every slot.

Board target: well under 50 ms for one official against all sessions of the 600-official
program.

``--huge N`` (default 20,000) also times ``check_schedule`` on a hostile schedule of N
sessions for the xl program (round-robin hosts, slots and officials: most rules broken
many times), and on one session repeated 3,000 times, with the same id and with distinct
ids (target: under 5 s for 20,000 sessions; the check is linear in the schedule size). Timing on a shared machine is noisy; the script prints date, cores and CPU model.

    .venv/bin/python benchmarks/check.py [--size large xl | --file FILE ...] [--seed 1] [--repeat 5] [--cpu]
    .venv/bin/python benchmarks/check.py --size xl --huge 20000 --huge-only [--profile]

``--huge-only`` skips the board timings (only the hostile schedules); ``--profile`` also
prints where the 20,000-session check spends its time (cProfile, top functions by own time).

Where the time went (issue 14; 2026-12-02, 2 cores, under load 0.8-2; cProfile adds about
half again). Before: 5.3-6.5 s wall. Every one of the 380,574 violations wrote its message
at once: ``RuleContext.who`` 1.2 s (370,650 names), ``when`` 1.0 s (413,339 slot labels),
``availability_that_day`` 1.9 s cumulative, ``sorted`` 0.8 s (sites of wrong-site
messages); and the cycle collector walked the growing heap again and again (the same check
with the collector off: 3.7 s). After: violations keep their data and write their message
when it is first read (``Violation.message``), and the collector pauses during the check:
2.8-3.4 s wall in the same run as 6.0-6.5 s before, of which one collection when it
resumes 1.1 s, ``_official_in_session`` 0.5 s, ``_person_across`` 0.4 s, ``Violation``
objects 0.35 s, grouping 0.25 s. Writing every message afterwards (``check --all``) costs
the ~4-5 s the check no longer pays; ``check`` lists 20 per rule.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import generate, machine  # noqa: E402  (puts the project on sys.path)

from exchange_app.io.scenario_json import read_scenario  # noqa: E402
from exchange_app.rules import (  # noqa: E402
    RuleContext,
    check_schedule,
    why_not_join,
    why_not_join_all,
    why_not_move_all,
)
from tests.rules.greedy import greedy_schedule  # noqa: E402


def timed(fn, *args, **kw):
    """(result, seconds): CPU seconds of this process with --cpu, else wall-clock seconds."""
    t = CLOCK()
    result = fn(*args, **kw)
    return result, CLOCK() - t


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


CLOCK = time.perf_counter


def bench(path: Path, label: str, repeat: int) -> None:
    scenario, t_read = timed(read_scenario, path)
    schedule, t_greedy = timed(greedy_schedule, scenario)
    print(
        f"\n== {label}: {len(scenario.officials)} officials, {len(scenario.hosts)} hosts, "
        f"{len(scenario.interpreters)} interpreters, {len(scenario.slots)} slots; "
        f"greedy schedule: {len(schedule.sessions)} sessions "
        f"(read {t_read:.2f} s, greedy {t_greedy:.2f} s)"
    )

    ctx, t_ctx = timed(RuleContext, scenario)
    report, t_first = timed(check_schedule, scenario, schedule, ctx)
    warm = [timed(check_schedule, scenario, schedule, ctx)[1] for _ in range(repeat)]
    _, t_fresh = timed(check_schedule, scenario, schedule)
    print(f"RuleContext(scenario)                   {ms(t_ctx)}")
    print(f"check_schedule, first call              {ms(t_first)}")
    print(f"check_schedule, median of {repeat:<2}            {ms(statistics.median(warm))}")
    print(f"check_schedule without a context        {ms(t_fresh)}")
    print(f"verdict: {report.summary()}")
    f = report.figures
    print(
        f"figures: sessions {f.sessions}, assignments {f.assignments}, total interest {f.total_interest}, "
        f"officials at min {f.officials_at_min}/{f.officials_total}, lowest interest {f.lowest_interest}, "
        f"p10 interest {f.p10_interest:.1f}, interpreters used {f.interpreters_used}, "
        f"sessions with interpreter {f.sessions_with_interpreter}, mean guests {f.mean_guests:.2f}, "
        f"countries per session {f.countries_per_session:.2f}"
    )

    # one official against every session: a scheduled one (leaving one of their sessions) and an unscheduled one
    in_sessions = {o for s in schedule.sessions for o in s.officials}
    busy = next(o.id for o in scenario.officials if o.id in in_sessions)
    idle = next((o.id for o in scenario.officials if o.id not in in_sessions), busy)
    leaving = next(s.id for s in schedule.sessions if busy in s.officials)
    for oid, left in ((busy, leaving), (idle, None)):
        each = []
        legal = 0
        for _ in range(repeat):
            t = CLOCK()
            answers = [why_not_join(ctx, schedule, oid, s.id, leaving=left) for s in schedule.sessions]
            each.append(CLOCK() - t)
            legal = sum(1 for a in answers if not a)
        together = [timed(why_not_join_all, ctx, schedule, oid, leaving=left)[1] for _ in range(repeat)]
        what = f"{oid} leaving {left}" if left else f"{oid} (unassigned)"
        print(
            f"why_not_join, {what}, each of {len(schedule.sessions)} sessions: {ms(statistics.median(each))}"
            f"  ({legal} legal)"
        )
        print(f"why_not_join_all, {what}:                  {ms(statistics.median(together))}")
    sid = schedule.sessions[len(schedule.sessions) // 2].id
    moves = [timed(why_not_move_all, ctx, schedule, sid) for _ in range(repeat)]
    answers = moves[0][0]
    print(
        f"why_not_move_all, {sid} to each of {len(answers)} slots:  "
        f"{ms(statistics.median(t for _, t in moves))}  ({sum(1 for a in answers.values() if not a)} legal)"
    )


def huge(path: Path, n: int, profile: bool = False) -> None:
    import os

    from exchange_app.domain import Schedule, Session

    scenario = read_scenario(path)
    hosts, slots, officials = scenario.hosts, scenario.slots, [o.id for o in scenario.officials]
    sessions = []
    for i in range(n):
        h = hosts[i % len(hosts)]
        sessions.append(
            Session(
                id=f"s-{i:06d}",
                host=h.id,
                slot=slots[(i // len(hosts)) % len(slots)].id,
                topic=h.expertise[0],
                language=h.languages[0],
                officials=[officials[(i * 5 + k) % len(officials)] for k in range(5)],
                location=h.location,
            )
        )
    load = os.getloadavg()
    print(f"\n== hostile schedules for {path.name}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    report, t = timed(check_schedule, scenario, Schedule(sessions=sessions))
    shown = sum(v.count for v in report.violations)
    print(
        f"check_schedule, {n:,} round-robin sessions:  {t:8.2f} s  "
        f"({len(report.violations):,} violations, {shown:,} with repeats)"
    )
    _, t_text = timed(lambda: sum(len(v.message) for v in report.violations))
    print(f"  and every violation's message formatted:  {t_text:8.2f} s")
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.runcall(check_schedule, scenario, Schedule(sessions=sessions))
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    one = sessions[0]
    for same in (True, False):
        rep = [
            Session(**{**{f: getattr(one, f) for f in one.__slots__}, "id": one.id if same else f"r-{i}"})
            for i in range(3000)
        ]
        report, t = timed(check_schedule, scenario, Schedule(sessions=rep))
        print(
            f"check_schedule, one session x 3,000 ({'same id' if same else 'distinct ids'}): {t:8.2f} s  "
            f"({len(report.violations):,} violations)"
        )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", nargs="*", default=["large", "xl"], help="generated sizes (default: large xl)")
    ap.add_argument("--file", nargs="*", default=[], help="scenario files to use instead of generated ones")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--huge", type=int, default=20_000, help="sessions of the hostile schedule (0: skip)")
    ap.add_argument("--huge-only", action="store_true", help="only the hostile schedules (no board timings)")
    ap.add_argument("--profile", action="store_true", help="cProfile the hostile check (top 15 by own time)")
    ap.add_argument(
        "--cpu",
        action="store_true",
        help="time CPU seconds of this process (less noisy on a busy machine) instead of wall-clock",
    )
    a = ap.parse_args(argv)
    global CLOCK
    CLOCK = time.process_time if a.cpu else time.perf_counter
    print(f"{machine()}; {'CPU' if a.cpu else 'wall-clock'} times")
    if a.file:
        for f in a.file:
            bench(Path(f), Path(f).name, a.repeat)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for size in a.size:
            out = Path(tmp) / f"{size}.json"
            generate(size, a.seed, out)
            if not a.huge_only:
                bench(out, f"{size} (seed {a.seed})", a.repeat)
            if a.huge and size == a.size[-1]:
                huge(out, a.huge, a.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
