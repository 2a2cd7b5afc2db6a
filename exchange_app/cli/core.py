"""Core commands: import, export, check, programs, versions.

Also the helpers every command module uses: :func:`open_workspace` and :func:`program_id`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sqlalchemy.exc

from exchange_app.errors import ExchangeError
from exchange_app.services import Workspace, export_scenario, export_schedule, import_file

EXPORT_KINDS = ("scenario", "schedule", "ics", "invitations", "itineraries", "spreadsheet")


class DatabaseError(ExchangeError):
    """The database could not be opened or used (server down, not a database file, ...)."""


def open_workspace(args: argparse.Namespace) -> Workspace:
    """The workspace for ``--db`` (the default database when not given)."""
    try:
        return Workspace.open(args.db)
    except sqlalchemy.exc.SQLAlchemyError as e:
        raise DatabaseError(f"Cannot open the database {args.db or '(default)'}: {_first_line(e)}") from e
    except OSError as e:  # the folder cannot be created, ...
        raise DatabaseError(f"Cannot open the database {args.db or '(default)'}: {e.strerror or e}") from e


def program_id(ws: Workspace, args: argparse.Namespace) -> int:
    """The program named by ``--program`` (or the only one)."""
    return ws.resolve_program(args.program)


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e)
    return text.strip().splitlines()[0] if text.strip() else type(e).__name__


def _write_guard(path: Path):
    """Turn OS errors of writing ``path`` into a message (no traceback)."""

    class Guard:
        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            if exc_type is not None and issubclass(exc_type, OSError):
                raise ExchangeError(f"Cannot write {exc.filename or path}: {exc.strerror or exc}") from exc
            return False

    return Guard()


# --------------------------------------------------------------------------- commands


def register(subparsers) -> None:
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
        "itineraries write into a folder; spreadsheet writes a .csv or .xlsx file.",
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
        help="scenario only: people's names, emails and organizations replaced, for bug reports",
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
    p.set_defaults(run=cmd_check)

    p = subparsers.add_parser(
        "programs",
        help="list the programs in the database",
        description="List the programs in the database with their counts.",
    )
    p.set_defaults(run=cmd_programs)

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
    if args.version is not None and args.kind != "schedule":
        raise ExchangeError(f"--version applies to 'export schedule' only, not to 'export {args.kind}'")
    if args.since_version is not None and args.kind in ("scenario", "schedule"):
        raise ExchangeError(
            f"--since-version applies to calendars, invitations, itineraries and spreadsheets, "
            f"not to 'export {args.kind}'"
        )
    with open_workspace(args) as ws, _write_guard(args.out):
        pid = program_id(ws, args)
        if args.kind == "scenario" and args.redacted:
            from exchange_app.io.redact import write_redacted_scenario

            path = write_redacted_scenario(ws.load_scenario(pid), args.out)
            print(f"Wrote redacted scenario of program {pid} to {path} (no names, emails or organizations)")
        elif args.redacted:
            raise ExchangeError(f"--redacted applies to 'export scenario' only, not to 'export {args.kind}'")
        elif args.kind == "scenario":
            path = export_scenario(ws, pid, args.out)
            print(f"Wrote scenario of program {pid} to {path}")
        elif args.kind == "schedule":
            path = export_schedule(ws, pid, args.out, args.version)  # NotFoundError when there is none
            number = args.version or ws.schedule_versions(pid)[-1].number
            print(f"Wrote schedule version {number} of program {pid} to {path}")
        else:
            from exchange_app.services import exports

            report = getattr(exports, f"export_{args.kind}")(
                ws, pid, args.out, since_version=args.since_version, force=args.force
            )
            print(report.summary)
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
    if report.ok:
        print(f"{what}: every rule is kept.", file=out)
    else:
        print(f"{what}: {report.summary()}", file=out)
        rows = [(str(v.rule), v.session or "-", v.person or "-", v.message) for v in report.violations]
        _table(["rule", "session", "person", "problem"], rows, out)
    f = report.figures
    print("", file=out)
    figures = [
        ("sessions", f.sessions),
        ("assignments", f.assignments),
        ("total interest", f.total_interest),
        ("officials at their minimum", f"{f.officials_at_min} of {f.officials_total}"),
        ("lowest interest of an official", f.lowest_interest),
        ("10th percentile of interest", f"{f.p10_interest:g}"),
        ("interpreters used", f.interpreters_used),
    ]
    _table(["quality", "value"], [(k, str(v)) for k, v in figures], out)
    return 0 if report.ok else 1


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


def _table(header: list[str], rows: list[tuple], out=None) -> None:
    out = out or sys.stdout
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    for line in [header, *rows]:
        print("  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=False)).rstrip(), file=out)
