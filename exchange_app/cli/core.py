"""Core commands: import, export, check, programs, versions.

Also the helpers every command module uses: :func:`open_workspace` and :func:`program_id`.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import getpass
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from exchange_app.domain import Scenario, Schedule
from exchange_app.errors import DiskFullError, ExchangeError, StorageError
from exchange_app.io.atomic import is_stdout
from exchange_app.rules import CheckReport
from exchange_app.services import Workspace, export_scenario, export_schedule, import_file
from exchange_app.storage.engine import mask_url_text

EXPORT_KINDS = ("scenario", "schedule", "ics", "invitations", "itineraries", "spreadsheet", "overview")


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def ask_password(prompt: str) -> str | None:
    """A password typed at the terminal (None without one: nobody to ask)."""
    if not sys.stdin.isatty():
        return None
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        return None


def open_workspace(args: argparse.Namespace) -> Workspace:
    """The workspace for ``--db`` (the default database when not given). Storage errors
    come translated (``exchange_app.errors.StorageError``); notices go to stderr."""
    try:
        ws = Workspace.open(args.db, ask_password=ask_password)
    except OSError as e:  # the folder cannot be created, ...
        where = mask_url_text(str(args.db)) if args.db else "(default)"
        raise StorageError(f"Cannot open the database {where}: {e.strerror or e}", where) from e
    for text in ws.notices:
        _say(text)
    ws.on_notice = _say
    return ws


def program_id(ws: Workspace, args: argparse.Namespace) -> int:
    """The program named by ``--program`` (or the only one)."""
    return ws.resolve_program(args.program)


@contextlib.contextmanager
def _write_guard(path: Path) -> Iterator[None]:
    """Turn OS errors of writing ``path`` into a message (no traceback)."""
    try:
        yield
    except OSError as e:
        where = e.filename or path
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFullError(
                f"The disk is full: {where} could not be written. Free some space and export again; "
                "no file was left half-written.",
                str(where),
            ) from e
        raise ExchangeError(f"Cannot write {where}: {e.strerror or e}") from e


# --------------------------------------------------------------------------- commands


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "import",
        help="import a scenario (new program), a schedule (new version) or a people sheet",
        description="Import FILE. A scenario (exchange-scenario/1) becomes a new program; a schedule "
        "(exchange-schedule/1) becomes a new schedule version of --program (or the only program); "
        "a .csv/.xlsx people sheet updates --program's people. A file with any problem is refused "
        "whole (exit 2) and nothing is written.",
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--valid-rows-only",
        action="store_true",
        help="people sheets: import the valid rows and list the refused ones (default: all or nothing)",
    )
    p.set_defaults(run=cmd_import)

    p = subparsers.add_parser(
        "export",
        help="export the scenario, a schedule, calendars, invitations, itineraries or a spreadsheet",
        description="Export KIND to --out. scenario and schedule are JSON files; ics, invitations and "
        "itineraries write into a folder; spreadsheet writes a .csv or .xlsx file; overview writes a "
        "printable day grid per site and an agenda per topic as a .pdf or .xlsx file.",
    )
    p.add_argument("kind", choices=EXPORT_KINDS, metavar="KIND", help=", ".join(EXPORT_KINDS))
    p.add_argument("--out", type=Path, required=True, metavar="PATH", help="file or folder to write")
    p.add_argument(
        "--version", type=int, metavar="N", help="schedule version to export (default: the latest)"
    )
    p.add_argument(
        "--since-version",
        type=int,
        metavar="N",
        help="for calendars and invitations: only what changed since version N",
    )
    p.add_argument(
        "--redacted",
        action="store_true",
        help="scenario only: every id, name, email and free text replaced by neutral tokens, for bug reports",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="ics, invitations, itineraries: write into a non-empty folder that an export did not write "
        "(the export's files are added; nothing else there is touched)",
    )
    p.set_defaults(run=cmd_export)

    p = subparsers.add_parser(
        "check",
        help="check a schedule against every rule and show its quality figures",
        description="Check the latest stored schedule (or --schedule FILE against the stored program). "
        "Exit 0 when no rule is broken, 1 otherwise.",
    )
    p.add_argument(
        "--schedule", type=Path, metavar="FILE", help="an exchange-schedule/1 file to check instead"
    )
    p.add_argument(
        "--version", type=int, metavar="N", help="stored schedule version to check (default: the latest)"
    )
    p.add_argument(
        "--all",
        action="store_true",
        help=f"list every problem (default: the first {CHECK_SHOWN} of each rule, then counts by kind)",
    )
    p.set_defaults(run=cmd_check)

    p = subparsers.add_parser(
        "programs",
        help="list the programs in the database",
        description="List the programs in the database with their counts.",
    )
    p.set_defaults(run=cmd_programs)

    p = subparsers.add_parser(
        "password",
        help="keep the PostgreSQL password of --db in the system keyring (asked, never on the command line)",
        description="Ask for the password of the PostgreSQL database --db (a URL without password) and keep "
        "it in the system keyring, so that neither the URL nor the shell history holds it. libpq's "
        "~/.pgpass and PGPASSWORD work too.",
    )
    p.set_defaults(run=cmd_password)

    p = subparsers.add_parser(
        "versions",
        help="list the program's schedule versions",
        description="List the stored schedule versions of --program (or the only program).",
    )
    p.set_defaults(run=cmd_versions)


def cmd_import(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        result = import_file(ws, args.file, args.program, valid_rows_only=args.valid_rows_only)
    print(result.summary)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.version is not None and args.kind not in ("schedule", "overview"):
        raise ExchangeError(f"--version applies to 'export schedule' only, not to 'export {args.kind}'")
    if args.since_version is not None and args.kind in ("scenario", "schedule"):
        raise ExchangeError(
            f"--since-version applies to calendars, invitations, itineraries and spreadsheets, "
            f"not to 'export {args.kind}'"
        )
    tell = _say if is_stdout(args.out) else print  # the data goes to stdout: the report to stderr
    with open_workspace(args) as ws, _write_guard(args.out):
        pid = program_id(ws, args)
        if args.kind == "scenario" and args.redacted:
            from exchange_app.io.redact import write_redacted_scenario

            path = write_redacted_scenario(ws.load_scenario(pid), args.out)
            tell(
                f"Wrote redacted scenario of program {pid} to {path} (every id and free text replaced by neutral tokens)"
            )
        elif args.redacted:
            raise ExchangeError(f"--redacted applies to 'export scenario' only, not to 'export {args.kind}'")
        elif args.kind == "scenario":
            path = export_scenario(ws, pid, args.out)
            tell(f"Wrote scenario of program {pid} to {path}")
        elif args.kind == "overview":
            from exchange_app.io.overview import write_overview

            path = write_overview(ws.load_scenario(pid), ws.load_schedule(pid, args.version), args.out)
            tell(f"Wrote the overview (a day grid per site, an agenda per topic) to {path}")
        elif args.kind == "schedule":
            path = export_schedule(ws, pid, args.out, args.version)  # NotFoundError when there is none
            number = args.version or ws.schedule_versions(pid)[-1].number
            tell(f"Wrote schedule version {number} of program {pid} to {path}")
        else:
            from exchange_app.services import exports

            report = getattr(exports, f"export_{args.kind}")(
                ws, pid, args.out, since_version=args.since_version, force=args.force
            )
            tell(report.summary)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from exchange_app.io.schedule_json import read_schedule
    from exchange_app.rules import check_schedule

    with open_workspace(args) as ws:
        pid = program_id(ws, args)
        scenario = ws.load_scenario(pid)
        if args.schedule is not None:
            schedule = read_schedule(args.schedule, scenario)
            what = str(args.schedule)
        else:
            schedule = ws.load_schedule(pid, args.version)
            number = args.version or ws.schedule_versions(pid)[-1].number
            what = f"schedule version {number} of {scenario.program.name!r}"
    report = check_schedule(scenario, schedule)
    out = sys.stdout
    print_check(scenario, schedule, report, what, out, shown=None if args.all else CHECK_SHOWN)
    return 0 if report.ok else 1


#: Problems ``check`` lists per rule (``--all``: every one); the rest are counted by kind.
CHECK_SHOWN = 20


def print_check(
    scenario: Scenario,
    schedule: Schedule,
    report: CheckReport,
    what: str,
    out: TextIO,
    shown: int | None = None,
) -> None:
    """The checker's verdict for people: problems grouped by rule, each naming the session
    as the window does ("Voter registration with Denise Harris, Thu 29 Oct 11:00 EDT,
    Atlanta (s-9)"), then the quality figures in plain numbers. With ``shown``, only the
    first ``shown`` problems of each rule are listed and the others counted by kind, so
    that a schedule breaking hundreds of thousands of rules gives a readable answer."""
    from exchange_app.naming import Names, number, plural
    from exchange_app.rules import RULE_TITLES

    names = Names(scenario)
    sessions = schedule.sessions_by_id()
    if report.ok:
        print(f"{what}: every rule is kept.", file=out)
    else:
        print(f"{what}: {plural(len(report.violations), 'problem')}.", file=out)
        for rule, vs in report.by_rule().items():
            print(f"\nRule {rule}, {RULE_TITLES.get(rule, '')}: {plural(len(vs), 'problem')}", file=out)
            for v in vs if shown is None else vs[:shown]:
                s = sessions.get(v.session) if v.session else None
                where = f"{names.session(s)} ({s.id}): " if s is not None else ""
                print(f"  {rule}  {where}{v.message}", file=out)
            if shown is not None and len(vs) > shown:
                from collections import Counter

                kinds = Counter(v.code for v in vs[shown:])
                by_kind = ", ".join(f"{number(n)} {code}" for code, n in kinds.most_common())
                print(
                    f"  … and {plural(len(vs) - shown, 'more problem')} of rule {rule} ({by_kind}); "
                    "'check --all' lists every one",
                    file=out,
                )
    f = report.figures
    print("", file=out)
    figures = [
        ("sessions", number(f.sessions)),
        ("assignments", number(f.assignments)),
        ("total interest", number(f.total_interest)),
        ("officials at their minimum", f"{number(f.officials_at_min)} of {number(f.officials_total)}"),
        ("lowest interest of an official", number(f.lowest_interest)),
        ("10th percentile of interest", number(f.p10_interest)),
        ("interpreters used", number(f.interpreters_used)),
    ]
    _table(["quality", "value"], figures, out)


def cmd_programs(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        infos = ws.programs()
    if not infos:
        print("No programs yet; import a scenario with: exchange-app import FILE")
        return 0
    _table(
        ["id", "name", "officials", "hosts", "interpreters", "schedule versions"],
        [
            (str(p.id), p.name, str(p.officials), str(p.hosts), str(p.interpreters), str(p.versions))
            for p in infos
        ],
    )
    return 0


def cmd_password(args: argparse.Namespace) -> int:
    from exchange_app.storage.engine import database_url, keyring_user, save_keyring_password

    url = database_url(args.db)
    if url.get_backend_name() != "postgresql":
        raise ExchangeError("'password' is for a PostgreSQL --db URL; an SQLite file has no password")
    if url.password:
        raise ExchangeError("Give --db without the password; it will be asked for")
    given = ask_password(f"Password for {url.username or ''}@{url.host or 'localhost'}: ")
    if not given:
        raise ExchangeError("No password given (it is asked for at a terminal); nothing was kept")
    try:
        save_keyring_password(url, given)
    except Exception as e:  # keyring.errors.KeyringError: no keyring on this computer
        raise ExchangeError(f"The system keyring cannot keep it ({e}); use ~/.pgpass instead") from e
    print(f"Kept the password for {keyring_user(url)} in the system keyring.")
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        pid = program_id(ws, args)
        versions = ws.schedule_versions(pid)
    if not versions:
        print(f"Program {pid} has no schedule yet.")
        return 0
    rows = []
    for v in versions:
        solver = (
            f"{v.solver.status}"
            + (f", objective {v.solver.objective:g}" if v.solver.objective is not None else "")
            if v.solver
            else ""
        )
        rows.append(
            (
                str(v.number),
                v.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                v.created_by,
                v.source,
                str(v.sessions),
                solver,
                v.note,
            )
        )
    _table(["version", "created", "by", "source", "sessions", "solver", "note"], rows)
    return 0


def _table(header: list[str], rows: Sequence[Sequence[object]], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    for line in [header, *rows]:
        print("  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=False)).rstrip(), file=out)
