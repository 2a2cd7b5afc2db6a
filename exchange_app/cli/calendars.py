"""Live calendars from the command line: ``publish caldav`` and ``serve-calendars``."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from exchange_app.cli.core import open_workspace, program_id
from exchange_app.errors import ExchangeError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "publish",
        help="publish every personal calendar and the master calendar to a CalDAV server",
        description="Publish the latest schedule to a CalDAV server: one calendar per person and one "
        "with every session, under URL. Each session is one event resource named by its UID: a "
        "change replaces it, a cancellation removes it, and only what changed since the last publish "
        "is written. The password comes from the system keyring.",
    )
    sub = p.add_subparsers(dest="target", metavar="TARGET", required=True)
    c = sub.add_parser("caldav", help="a CalDAV collection, e.g. http://host:5232/staff/")
    c.add_argument("url", metavar="URL", help="the collection the calendars are created in")
    c.add_argument("--user", required=True, help="the CalDAV user name")
    c.add_argument(
        "--set-password",
        action="store_true",
        help="ask for the password and store it in the system keyring first",
    )
    c.set_defaults(run=cmd_publish_caldav)


def cmd_publish_caldav(args: argparse.Namespace) -> int:
    from exchange_app.services.publishing import publish_caldav, store_password

    if args.set_password:
        password = getpass.getpass(f"CalDAV password for {args.user} at {args.url}: ")
        if not password:
            raise ExchangeError("No password given: nothing stored, nothing published")
        store_password(args.url, args.user, password)
    with open_workspace(args) as ws:
        pid = program_id(ws, args)
        report = publish_caldav(
            ws, pid, args.url, args.user, progress=lambda name: print(f"  {name}", file=sys.stderr)
        )
    print(report.summary)
    return 0
