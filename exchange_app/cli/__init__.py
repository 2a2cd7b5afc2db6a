"""The ``exchange-app`` command line.

``exchange-app [--db FILE|URL] [--program NAME|ID] COMMAND ...``; without a command it
opens the desktop app. Commands come from the modules in :data:`COMMAND_MODULES`, each
with ``register(subparsers)`` that adds its sub-parsers and sets ``run=handler`` (a
function ``handler(args) -> int``). :mod:`exchange_app.cli.core` has the helpers they use
(:func:`~exchange_app.cli.core.open_workspace`, :func:`~exchange_app.cli.core.program_id`).

Qt is imported only when the desktop app is opened.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from importlib.metadata import PackageNotFoundError, version

import sqlalchemy.exc

from exchange_app.errors import ExchangeError
from exchange_app.storage.engine import mask_url_text

COMMAND_MODULES = ["core", "solve", "backups", "new_program", "registration", "calendars"]


def package_version() -> str:
    try:
        return version("exchange-scheduler")
    except PackageNotFoundError:  # running from a source tree without installing
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exchange-app",
        description="Schedule dialogue sessions between visiting election officials and U.S. election "
        "administrators. Without a command, opens the desktop app.",
    )
    parser.add_argument(
        "--db",
        metavar="FILE|URL",
        help="database: an SQLite file or a postgresql:// URL (default: programs.db in the user data folder)",
    )
    parser.add_argument(
        "--program",
        metavar="NAME|ID",
        help="the program to work on, by name or id (needed when the database holds several)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    parser.add_argument(
        "--demo", action="store_true", help="open the desktop app on a fresh copy of the demo program"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"exchange_app.cli.{name}").register(subparsers)
    return parser


def _desktop(args: argparse.Namespace) -> int:
    from ui.app import run  # Qt only from here on

    if args.demo:
        from exchange_app.services import demo_database

        return run(db=str(demo_database()), demo=True)
    return run(db=args.db, demo=False)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 failed or rules broken,
    2 input refused, 3 conflict, 4 database locked, 5 the database cannot be used:
    damaged, not ours, newer, read-only, server down, disk full)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            return _desktop(args)
        if args.demo:
            parser.error("--demo opens the desktop app; it takes no command")
        code = int(args.run(args))
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
        return code
    except SystemExit as e:  # argparse: --help, --version, usage errors (2)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BrokenPipeError:
        return _pipe_closed()
    except ExchangeError as e:
        print(mask_url_text(str(e)), file=sys.stderr)
        return e.exit_code
    except sqlalchemy.exc.SQLAlchemyError as e:  # a storage error outside the services (a bug)
        print(
            f"Database error: {mask_url_text(str(getattr(e, 'orig', None) or e)).strip().splitlines()[0]}",
            file=sys.stderr,
        )
        return 5
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _pipe_closed() -> int:
    """The reader of stdout went away (``exchange-app solve | head``): stop quietly. What
    was to be stored is stored already; stdout is pointed at /dev/null so that Python's
    final flush does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (tests)
        pass
    return 141  # 128 + SIGPIPE, as a shell reports a command ended by a closed pipe
