"""Exports from the File menu: scenario, schedule, calendars, invitations, itineraries and
the spreadsheet. Each runs as a background operation (:mod:`ui.operations`: the window
stays responsive, a busy indicator shows) and ends with the export's summary and an offer
to open the folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from exchange_app.naming import plural
from ui.operations import Operation, op

if TYPE_CHECKING:
    from exchange_app.services import VersionInfo
    from exchange_app.services.exports import ExportReport
    from exchange_app.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class ExportKind:
    key: str
    label: str  # menu text
    target: str  # "file" or "folder"
    filters: str = ""
    suggested: str = ""
    since: bool = False  # can write only what changed since an earlier schedule version


EXPORT_KINDS: tuple[ExportKind, ...] = (
    ExportKind("scenario", "&Scenario (JSON)…", "file", "Scenario (*.json)", "scenario.json"),
    ExportKind("schedule", "Sc&hedule (JSON)…", "file", "Schedule (*.json)", "schedule.json"),
    ExportKind("ics", "&Calendars (.ics)…", "folder", since=True),
    ExportKind("invitations", "&Invitations…", "folder", since=True),
    ExportKind("itineraries", "I&tineraries (PDF)…", "folder", since=True),
    ExportKind(
        "spreadsheet", "Spread&sheet…", "file", "Excel workbook (*.xlsx);;CSV (*.csv)", "schedule.xlsx"
    ),
    ExportKind(
        "overview",
        "&Overview to print (PDF or XLSX)…",
        "file",
        "PDF (*.pdf);;Excel workbook (*.xlsx)",
        "overview.pdf",
    ),
)
KINDS = {k.key: k for k in EXPORT_KINDS}


def run_export(
    ws: Workspace,
    program_id: int,
    kind: str,
    out: Path,
    since_version: int | None = None,
    force: bool = False,
) -> str:
    """Do one export (any thread); returns the summary to show. ``since_version``: only
    the people whose sessions changed since that schedule version (calendars, invitations,
    itineraries)."""
    if kind == "scenario":
        from exchange_app.services.workspace import export_scenario

        export_scenario(ws, program_id, out)
        return f"Scenario written to {out}."
    if kind == "schedule":
        from exchange_app.services.workspace import export_schedule

        export_schedule(ws, program_id, out)
        return f"Latest schedule written to {out}."
    if kind == "overview":
        from exchange_app.io.overview import write_overview

        path = write_overview(ws.load_scenario(program_id), ws.load_schedule(program_id), out)
        return f"Overview (a day grid per site, an agenda per topic) written to {path}."
    from exchange_app.services import exports

    export: Callable[..., ExportReport] = getattr(exports, f"export_{kind}")
    report = export(ws, program_id, out, since_version=since_version, force=force)
    return report.summary


def confirm_folder(parent: QWidget | None, kind: ExportKind, out: Path) -> bool | None:
    """Apply the export folder rules before starting: None when the folder cannot be used
    (a message says why) or staff decline; otherwise whether to add to a folder an export
    did not write (``force``)."""
    from exchange_app.io.output_folder import NeedsConfirmation, OutputFolderError, check_output_folder

    if kind.target != "folder":
        return False
    try:
        check_output_folder(out)
    except NeedsConfirmation as e:
        answer = QMessageBox.question(
            parent,
            "Folder is not empty",
            f"{out} already holds {plural(len(e.entries), 'item')} that no export wrote.\n\n"
            "Add the export's files to this folder anyway? Files of the same name are replaced; "
            "nothing else in the folder is touched.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return True if answer == QMessageBox.StandardButton.Yes else None
    except OutputFolderError as e:
        QMessageBox.warning(parent, "Choose another folder", str(e))
        return None
    return False


def ask_since_version(
    parent: QWidget | None, kind: ExportKind, versions: list[VersionInfo]
) -> int | None | bool:
    """For calendars, invitations and itineraries with earlier schedule versions: everyone
    (None) or only what changed since a version (its number); False when cancelled."""
    latest = max(v.number for v in versions)
    earlier = sorted((v for v in versions if v.number < latest), key=lambda v: -v.number)
    if not earlier:
        return None
    everyone = f"Everyone (schedule version {latest})"
    items = [everyone] + [
        f"Only changes since version {v.number} ({v.source}, {v.created_at.astimezone():%d %b %H:%M})"
        for v in earlier
    ]
    what = kind.label.replace("&", "").rstrip("…").lower()
    choice, ok = QInputDialog.getItem(parent, f"Export {what}", f"Write {what} for:", items, 0, False)
    if not ok:
        return False
    return None if choice == everyone else earlier[items.index(choice) - 1].number


def ask_target(parent: QWidget | None, kind: ExportKind, start_dir: str = "") -> Path | None:
    """Where to write an export (a file or a folder); None when cancelled."""
    if kind.target == "folder":
        folder = QFileDialog.getExistingDirectory(
            parent, f"Export {kind.label.replace('&', '').rstrip('…')} to folder", start_dir
        )
        return Path(folder) if folder else None
    start = str(Path(start_dir) / kind.suggested) if start_dir else kind.suggested
    path, _ = QFileDialog.getSaveFileName(
        parent, f"Export {kind.label.replace('&', '').rstrip('…')}", start, kind.filters
    )
    return Path(path) if path else None


def offer_open_folder(parent: QWidget | None, summary: str, folder: Path) -> bool:
    """Show the export summary; True (and the folder opens) when staff choose Open folder."""
    box = QMessageBox(
        QMessageBox.Icon.Information, "Export finished", summary, QMessageBox.StandardButton.Close, parent
    )
    open_button = box.addButton("&Open folder", QMessageBox.ButtonRole.ActionRole)
    box.exec()
    if box.clickedButton() is open_button:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
        return True
    return False


def export_operation(
    parent: QWidget | None,
    ws: Workspace,
    program_id: int,
    kind: str,
    out: Path,
    since_version: int | None = None,
    force: bool = False,
) -> Operation[str]:
    """:func:`run_export` as a background operation with a busy indicator (not started);
    its value is the summary to show."""
    label = KINDS[kind].label.replace("&", "").rstrip("…")
    return op(
        parent,
        f"Export {label.lower()}",
        lambda _ctx: run_export(ws, program_id, kind, out, since_version, force),
    ).with_progress(f"Exporting {label.lower()}…")
