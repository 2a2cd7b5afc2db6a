"""``backups`` and ``restore`` commands."""

from __future__ import annotations

import argparse

from exchange_app.cli.core import _table, open_workspace
from exchange_app.services import backups


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "backups",
        help="list the database's backups (or make one now)",
        description="List the backups of --db, newest first. Backups are made automatically before a "
        "migration, before a solve that stores a schedule and before a restore; the newest N are "
        "kept (--keep, or EXCHANGE_BACKUPS_KEEP, default 10).",
    )
    p.add_argument("--now", action="store_true", help="make a backup now before listing")
    p.add_argument("--keep", type=int, metavar="N", help="keep the newest N backups (with --now)")
    p.set_defaults(run=cmd_backups)

    p = subparsers.add_parser(
        "restore",
        help="restore the database from a backup (the current state is backed up first)",
        description="Restore --db from BACKUP: a name listed by 'backups', a backup file's path, or 'latest'. "
        "The current state is backed up first, so a restore can be undone. Refused while the "
        "desktop app has the SQLite file open.",
    )
    p.add_argument("backup", metavar="BACKUP")
    p.set_defaults(run=cmd_restore)


def cmd_backups(args: argparse.Namespace) -> int:
    if args.now:
        with open_workspace(args) as ws:
            made = backups.back_up(ws, "manual", args.keep)
            if made is None:
                print(
                    "No backup made: pg_dump is not installed here; this PostgreSQL database relies on "
                    "the server's own backups (see docs/backups.md)."
                )
            else:
                print(f"Made {made.path}")
    # Listing needs no open database, so it works on a damaged file too.
    infos = backups.list_backups(args.db)
    folder = backups.backup_folder(args.db)
    if not infos:
        print(f"No backups yet (they go to {folder}).")
        return 0
    rows = [
        (i.name, i.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), i.reason, _size(i.size))
        for i in infos
    ]
    _table(["backup", "made", "reason", "size"], rows)
    print(f"\nIn {folder}. Restore with: exchange-app --db ... restore BACKUP")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    # Not through open_workspace: a damaged file must be restorable without opening it.
    result = backups.restore_database(args.db, args.backup)
    print(result.summary)
    return 0


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)
