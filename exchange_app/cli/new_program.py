"""``exchange-app new-program``: a new program from options or a small TOML file."""

from __future__ import annotations

import argparse
from pathlib import Path

from exchange_app.cli.core import open_workspace
from exchange_app.errors import InputError, Problem
from exchange_app.services.new_program import (
    ProgramSpec,
    SiteSpec,
    TopicSpec,
    build_scenario,
    describe,
    parse_dates,
    parse_span,
    spec_from_toml,
)

EXAMPLE = """\
example file (all times are each site's local time):

  name = "2026 General Election Peer Exchange"
  timezone = "America/New_York"
  dates = ["2026-10-29..2026-10-30"]
  [organizer]
  email = "staff@exchange.example.org"
  name = "Program Staff"
  [hours]
  start = "09:00"
  end = "17:00"
  block = 60            # minutes
  lunch = "12:00-13:00" # false for none
  [rules]
  min_guests = 2
  max_guests = 6
  [[sites]]
  name = "Atlanta, Georgia"
  timezone = "America/New_York"
  address = "130 Peachtree St SW, Atlanta, GA 30303"
  [[sites]]
  name = "Honolulu, Hawaii"
  timezone = "Pacific/Honolulu"
  [[topics]]
  name = "Voter registration"
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "new-program",
        help="create a program: dates, sites, topics, session rules and the slot grid",
        description="Create a new program in the database, from --from FILE.toml or from options. "
        "Slots are made from the daily hours in each site's own time zone (lunch left out), so "
        "every site gets its business hours. People are added afterwards (import a spreadsheet, "
        "or the profile tabs).",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--from", dest="toml", type=Path, metavar="FILE.toml", help="read everything from FILE")
    p.add_argument("--name", help="the program's name")
    p.add_argument(
        "--timezone", default="America/New_York", help="program time zone (IANA, default %(default)s)"
    )
    p.add_argument("--organizer-email", metavar="EMAIL")
    p.add_argument("--organizer-name", metavar="NAME")
    p.add_argument(
        "--dates",
        action="append",
        metavar="DAY[..DAY]",
        help="2026-10-29 or 2026-10-29..2026-10-30 (repeatable)",
    )
    p.add_argument(
        "--site",
        action="append",
        metavar="NAME|ZONE[|ADDRESS]",
        help='a site, e.g. "Honolulu, Hawaii|Pacific/Honolulu|530 S King St" (repeatable)',
    )
    p.add_argument("--topic", action="append", metavar="NAME", help="a topic (repeatable)")
    p.add_argument(
        "--hours", default="09:00-17:00", help="daily hours, local to each site (default %(default)s)"
    )
    p.add_argument(
        "--block", type=int, default=60, metavar="MINUTES", help="slot length (default %(default)s)"
    )
    p.add_argument("--lunch", default="12:00-13:00", help='lunch break, or "none" (default %(default)s)')
    for rule, default in (
        ("min-guests", 2),
        ("max-guests", 6),
        ("max-same-country", 2),
        ("min-sessions", 1),
        ("max-sessions", 6),
        ("max-per-day", 3),
    ):
        p.add_argument(f"--{rule}", type=int, default=default, metavar="N", help=f"(default {default})")
    p.set_defaults(run=cmd_new_program)


def spec_from_args(args: argparse.Namespace) -> ProgramSpec:
    problems = []
    if not args.name:
        problems.append(Problem("options", "--name", "is required (or use --from FILE.toml)"))
    if not args.dates:
        problems.append(Problem("options", "--dates", "is required, e.g. --dates 2026-10-29..2026-10-30"))
    sites = []
    for text in args.site or []:
        parts = [x.strip() for x in text.split("|")]
        if len(parts) < 2:
            problems.append(Problem(f"--site {text!r}", None, "write NAME|ZONE or NAME|ZONE|ADDRESS"))
            continue
        sites.append(SiteSpec(name=parts[0], timezone=parts[1], address="|".join(parts[2:]) or None))
    if problems:
        raise InputError("new-program", problems)
    start, end = parse_span(args.hours, "options", "--hours")
    lunch = (
        None
        if args.lunch.strip().lower() in ("", "none", "no")
        else parse_span(args.lunch, "options", "--lunch")
    )
    return ProgramSpec(
        name=args.name,
        timezone=args.timezone,
        organizer_email=args.organizer_email,
        organizer_name=args.organizer_name,
        dates=parse_dates(args.dates, "options", "--dates"),
        sites=sites,
        topics=[TopicSpec(name=t) for t in args.topic or []],
        day_start=start,
        day_end=end,
        block_minutes=args.block,
        lunch=lunch,
        min_guests=args.min_guests,
        max_guests=args.max_guests,
        max_same_country=args.max_same_country,
        min_sessions=args.min_sessions,
        max_sessions=args.max_sessions,
        max_per_day=args.max_per_day,
    )


def cmd_new_program(args: argparse.Namespace) -> int:
    spec = spec_from_toml(args.toml) if args.toml else spec_from_args(args)
    source = str(args.toml) if args.toml else "new-program"
    scenario = build_scenario(spec, source)
    with open_workspace(args) as ws:
        pid = ws.import_scenario(scenario, source=source)
    print(f"Created program {pid}, {scenario.program.name!r}: {describe(scenario)}.")
    print(f"Next: add people (exchange-app --program {pid} import people.xlsx), then solve.")
    return 0
