"""``exchange-app registration make|read|status``: workbooks people fill in themselves."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from exchange_app.cli.core import open_workspace, program_id
from exchange_app.domain import PersonKind
from exchange_app.naming import plural
from exchange_app.services import registration as service


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "registration",
        help="make registration workbooks, read the returned ones, list who is missing",
        description="Registration workbooks (XLSX) that officials, hosts and interpreters fill in "
        "themselves: their interests or expertise, languages and availability.",
    )
    sub = p.add_subparsers(dest="registration_command", metavar="ACTION", required=True)

    m = sub.add_parser(
        "make",
        help="write one workbook per person (or per delegation), pre-filled with what is stored",
        description="Write registration workbooks into --out, one per person (default: everyone), "
        "or one per delegation with --delegation / --by-delegation.",
    )
    m.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder to write the workbooks into"
    )
    who = m.add_mutually_exclusive_group()
    who.add_argument(
        "--delegation", action="append", metavar="D", help="one workbook for delegation D (repeatable)"
    )
    who.add_argument("--people", metavar="IDS", help="comma-separated person ids (one workbook each)")
    who.add_argument(
        "--by-delegation",
        action="store_true",
        help="officials: one workbook per delegation (those without one get their own)",
    )
    m.add_argument(
        "--kind",
        action="append",
        choices=[k.value for k in PersonKind],
        help="only officials, hosts or interpreters (repeatable; default: all)",
    )
    m.add_argument(
        "--workers",
        type=int,
        default=_cores(),
        metavar="N",
        help="processes writing workbooks (default: %(default)s)",
    )
    m.set_defaults(run=cmd_make)

    r = sub.add_parser(
        "read",
        help="read returned workbooks: show each change, apply them in one transaction",
        description="Read returned workbooks (files, or folders of .xlsx files). Each change is shown "
        "against what is stored; problems are named by file, sheet and cell. The good files are applied "
        "in one transaction even when others have problems, unless --all-or-nothing (exit 2 then).",
    )
    r.add_argument("paths", nargs="+", type=Path, metavar="DIR|FILE")
    r.add_argument("--all-or-nothing", action="store_true", help="apply nothing when any file has a problem")
    r.add_argument("--dry-run", action="store_true", help="only show what would change")
    r.add_argument(
        "--workers",
        type=int,
        default=_cores(),
        metavar="N",
        help="processes reading workbooks (default: %(default)s)",
    )
    r.set_defaults(run=cmd_read)

    st = sub.add_parser(
        "status",
        help="who was sent a workbook, who returned it, who has not",
        description="List everyone with the workbook they were sent and whether it came back; "
        "--missing-csv writes the people who have not returned theirs (for a reminder email).",
    )
    st.add_argument("--missing-csv", type=Path, metavar="FILE", help="write the missing people as CSV")
    st.add_argument("--all", action="store_true", help="list everyone (default: those sent a workbook)")
    st.set_defaults(run=cmd_status)


def _cores() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def cmd_make(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        pid = program_id(ws, args)
        result = service.make_workbooks(
            ws,
            pid,
            args.out,
            people=[x.strip() for x in args.people.split(",") if x.strip()] if args.people else None,
            delegations=args.delegation,
            kinds=[PersonKind(k) for k in args.kind] if args.kind else None,
            by_delegation=args.by_delegation,
            workers=args.workers,
        )
    print(result.summary)
    return 0


def cmd_read(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        pid = program_id(ws, args)
        plan = service.plan_read(ws, pid, args.paths, workers=args.workers)
        for change in plan.changes:
            print(f"{change.kind.value} {change.id} {change.name} ({change.file}):")
            for f in change.fields:
                staff = "  [staff had changed it too since the workbook was made]" if f.staff_changed else ""
                print(f"  {f.field}: {f.before}  ->  {f.after}{staff}")
        for finding in plan.findings:
            label = "problem" if finding.severity == "error" else "notice"
            print(f"{label}: {finding}", file=sys.stderr)
        if args.dry_run:
            print(f"Dry run: {plan.counts()}; nothing written.")
            return 2 if plan.errors else 0
        applied = service.apply_plan(ws, pid, plan, all_or_nothing=args.all_or_nothing)
    print(applied.summary)
    return 2 if plan.errors else 0


def cmd_status(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        pid = program_id(ws, args)
        rows = service.status(ws, pid)
    shown = rows if args.all else [r for r in rows if r.sent_at is not None]
    for r in shown:
        sent = f"sent {r.sent_at:%Y-%m-%d %H:%M} ({r.sent_file})" if r.sent_at else "not sent"
        back = f"returned {r.returned_at:%Y-%m-%d %H:%M} ({r.returned_file})" if r.returned_at else ""
        print(f"{r.state:<9} {r.kind.value:<12} {r.id:<12} {r.name:<32} {sent} {back}".rstrip())
    print(service.describe_status(rows) + ".")
    if args.missing_csv:
        n = service.write_missing_csv(rows, args.missing_csv)
        print(f"{plural(n, 'missing person', 'missing people')} written to {args.missing_csv}.")
    return 0
