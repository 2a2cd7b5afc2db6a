"""Shows what a re-optimize would change, so staff accept or discard it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from exchange_app.domain import Session
from exchange_app.naming import Names
from exchange_app.schedule_diff import ScheduleDiff
from ui.board.document import BoardDocument


def describe_diff(
    doc: BoardDocument, diff: ScheduleDiff, new_sessions: dict[str, Session]
) -> dict[str, list[str]]:
    """Readable lines per group: sessions added/removed/moved and officials moved, naming
    people, hosts, sites and times. The officials moved are the diff's (an official kept at
    their pinned host and time is not moved there, even if the topic changed)."""
    names = Names(doc.scenario)

    def where(sid: str, sessions: dict[str, Session]) -> str:
        s = sessions.get(sid)
        return names.session(s) if s is not None else sid

    out: dict[str, list[str]] = {
        "Sessions added": [names.session(s, officials=True) for s in diff.added],
        "Sessions removed": [names.session(s, officials=True) for s in diff.removed],
        "Sessions moved": [
            f"{names.session(a)} → {names.when(b.slot, names.zone_of_host(b.host))}"
            for a, b in diff.moved_sessions
        ],
        "Officials moved": [],
    }
    for m in diff.officials:  # a pinned official kept at their pin is not in it (schedule_diff)
        parts = []
        if m.before:
            parts.append("left " + "; ".join(where(x, doc.sessions) for x in m.before))
        if m.after:
            parts.append("joined " + "; ".join(where(x, new_sessions) for x in m.after))
        out["Officials moved"].append(f"{names.official(m.official)}: {', '.join(parts)}")
    return out


def ask_broken_pins(parent: QWidget | None, lines: list[str], conflicts: list[str]) -> bool:
    """Ask before a re-optimize that would not keep every pin: True = show the changes anyway."""
    text = "The re-optimized schedule does not keep these pinned places:\n\n" + "\n".join(
        f"• {line}" for line in lines
    )
    if conflicts:
        text += "\n\nWhy: " + "; ".join(conflicts)
    text += (
        "\n\nLook at the changes anyway (nothing changes until you accept them), or discard the "
        "re-optimized schedule and keep the board as it is?"
    )
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Pins cannot all be kept",
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.button(QMessageBox.StandardButton.Yes).setText("Show the changes")
    box.button(QMessageBox.StandardButton.No).setText("Discard")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


class ChangesDialog(QDialog):
    def __init__(
        self,
        doc: BoardDocument,
        diff: ScheduleDiff,
        new_sessions: dict[str, Session],
        summary: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Re-optimized schedule: what moved")
        groups = describe_diff(doc, diff, new_sessions)
        counts = " · ".join(f"{k}: {len(v)}" for k, v in groups.items())
        head = QLabel(
            (summary + "<br>" if summary else "")
            + (counts if not diff.empty else "Nothing changed.")
            + "<br>Accept to apply it as one step you can undo, or discard it."
        )
        head.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Changes")
        for name, lines in groups.items():
            top = QTreeWidgetItem([f"{name} ({len(lines)})"])
            for line in lines:
                child = QTreeWidgetItem([line])
                child.setToolTip(0, line)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(len(lines) <= 30)
        buttons = QDialogButtonBox()
        buttons.addButton("&Accept changes", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("&Discard", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        fh = self.fontMetrics().height()
        self.resize(fh * 60, fh * 36)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        doc: BoardDocument,
        diff: ScheduleDiff,
        new_sessions: dict[str, Session],
        summary: str = "",
    ) -> bool:
        """True when staff accept the changes."""
        dlg = cls(doc, diff, new_sessions, summary, parent)
        ok = dlg.exec() == QDialog.DialogCode.Accepted
        dlg.deleteLater()
        return ok
