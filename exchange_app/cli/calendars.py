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

    p = subparsers.add_parser(
        "send",
        help="send the invitations each person has not had yet by email (SMTP with STARTTLS)",
        description="Send by email what each person has not been told yet: invitations to sessions they "
        "are newly in, updates where a session's time, place, mode or topic changed, cancellations. "
        "What was sent is recorded per person and session, so a re-run sends nothing twice. The "
        "password comes from the system keyring.",
    )
    sub = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    s = sub.add_parser("invitations", help="calendar invitations (the messages of 'export invitations')")
    s.add_argument("--smtp", required=True, metavar="HOST", help="the mail server (STARTTLS is required)")
    s.add_argument("--port", type=int, default=587, help="port (default: 587, submission)")
    s.add_argument("--user", help="user name for the mail server's login (none: no login)")
    s.add_argument(
        "--set-password", action="store_true", help="ask for the password and store it in the keyring"
    )
    s.add_argument("--cafile", metavar="FILE", help="trust this CA certificate file (a private mail server)")
    s.add_argument("--dry-run", action="store_true", help="list what would be sent; send nothing")
    s.set_defaults(run=cmd_send_invitations)


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


def cmd_send_invitations(args: argparse.Namespace) -> int:
    import ssl

    from exchange_app.services.sending import send_invitations, store_smtp_password

    if args.set_password:
        if not args.user:
            raise ExchangeError("--set-password needs --user")
        password = getpass.getpass(f"Password for {args.user} at {args.smtp}:{args.port}: ")
        if not password:
            raise ExchangeError("No password given: nothing stored, nothing sent")
        store_smtp_password(args.smtp, args.port, args.user, password)
    context = ssl.create_default_context(cafile=args.cafile) if args.cafile else None
    with open_workspace(args) as ws:
        pid = program_id(ws, args)
        report = send_invitations(
            ws,
            pid,
            args.smtp,
            args.port,
            args.user,
            dry_run=args.dry_run,
            context=context,
            progress=lambda item: print(
                f"  sent to {item.name} <{item.email}>: {item.subject}", file=sys.stderr
            ),
        )
    for item in report.planned:
        print(f"{item.kind:9} {item.name} <{item.email}>: {item.subject}")
    if report.without_email:
        print(f"No email address (nothing sent): {', '.join(report.without_email)}", file=sys.stderr)
    print(report.summary)
    return 0
