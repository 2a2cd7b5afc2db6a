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

    p = subparsers.add_parser(
        "serve-calendars",
        help="serve per-person calendar subscription feeds over HTTP (read-only)",
        description="Serve one .ics subscription feed per person and one with every session, made from "
        "the latest schedule at each request. Each feed URL holds a secret token; give each person "
        "their own URL. Binds to 127.0.0.1 unless --host says otherwise (put it behind an HTTPS proxy "
        "to serve beyond this machine).",
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    p.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    p.add_argument("--list", action="store_true", help="print every feed's URL and exit")
    p.add_argument(
        "--revoke",
        metavar="KIND:ID",
        help="end a feed's token for good (e.g. official:o-0004, or master:); the person gets a new URL",
    )
    p.set_defaults(run=cmd_serve_calendars)


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


def cmd_serve_calendars(args: argparse.Namespace) -> int:
    from exchange_app.services.feeds import FeedServer, feeds, revoke

    with open_workspace(args) as ws:
        pid = program_id(ws, args)
        if args.revoke is not None:
            kind, _, pid_text = args.revoke.partition(":")
            if kind not in ("official", "host", "interpreter", "master"):
                raise ExchangeError(
                    f"--revoke KIND:ID: KIND is official, host, interpreter or master, not {kind!r}"
                )
            revoke(ws, pid, kind, pid_text)
            new = next(f for f in feeds(ws, pid) if f.kind == kind and f.person_id == pid_text)
            print(f"Revoked the feed of {new.name}; the old URL no longer works. New token: {new.token}")
            return 0
        try:
            server = FeedServer(ws, args.host, args.port)
        except OSError as e:
            raise ExchangeError(f"Cannot listen on {args.host}:{args.port}: {e.strerror or e}") from e
        with server:
            for f in feeds(ws, pid):
                who = "all sessions" if f.kind == "master" else f"{f.kind} {f.person_id}"
                print(f"{f.name} ({who}): {server.url(f)}")
            if args.list:
                return 0
            print(f"Serving calendar feeds on {server.base_url} (Ctrl+C stops)", file=sys.stderr)
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                print("stopped", file=sys.stderr)
    return 0
