"""Shows what a re-optimize would change, so staff accept or discard it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout

from ui.board.document import BoardDocument
from ui.board.edits import ScheduleDiff


def describe_diff(doc: BoardDocument, diff: ScheduleDiff, new_sessions: dict) -> dict[str, list[str]]:
    """Readable lines per group: sessions added/removed/moved and officials moved."""

    def title(s) -> str:
        return f"{doc.topic_name(s.topic)} with {doc.person_name(s.host)}, {doc.slot_label(s.slot)}"

    def where(sid: str, sessions: dict) -> str:
        s = sessions.get(sid)
        return title(s) if s is not None else sid

    out = {
        "Sessions added": [f"{title(s)} ({len(s.officials)} officials)" for s in diff.added],
        "Sessions removed": [f"{title(s)} ({len(s.officials)} officials)" for s in diff.removed],
        "Sessions moved": [f"{title(a)} → {doc.slot_label(b.slot)}" for a, b in diff.moved_sessions],
        "Officials moved": [],
    }
    for m in diff.officials:
        parts = []
        if m.before:
            parts.append("left " + "; ".join(where(x, doc.sessions) for x in m.before))
        if m.after:
            parts.append("joined " + "; ".join(where(x, new_sessions) for x in m.after))
        out["Officials moved"].append(f"{doc.official_label(m.official)}: {', '.join(parts)}")
    return out


class ChangesDialog(QDialog):
    def __init__(
        self, doc: BoardDocument, diff: ScheduleDiff, new_sessions: dict, summary: str = "", parent=None
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
        cls, parent, doc: BoardDocument, diff: ScheduleDiff, new_sessions: dict, summary: str = ""
    ) -> bool:
        """True when staff accept the changes."""
        dlg = cls(doc, diff, new_sessions, summary, parent)
        ok = dlg.exec() == QDialog.DialogCode.Accepted
        dlg.deleteLater()
        return ok
