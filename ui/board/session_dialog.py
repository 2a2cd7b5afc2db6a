"""The dialog that opens a session by hand: topic, language, interpreter and mode, legal
choices first, with what the chosen combination would break."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from exchange_app.domain import Mode
from exchange_app.rules import language_name
from ui.board.document import BoardDocument, reasons_text
from ui.board.opening import SessionOption

T = TypeVar("T")


class OpenSessionDialog(QDialog):
    """Pick one of ``options`` (from :meth:`BoardDocument.open_options`) field by field."""

    def __init__(
        self,
        doc: BoardDocument,
        official: str,
        host: str,
        slot: str,
        options: Iterable[SessionOption],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Open a session")
        self.doc = doc
        self.options: list[SessionOption] = list(options)
        head = QLabel(
            f"Open a session for <b>{doc.official_label(official)}</b> with "
            f"<b>{doc.person_name(host)}</b>, {doc.slot_label(slot)} ({doc.scenario.program.timezone})."
        )
        head.setWordWrap(True)
        self.topic = QComboBox()
        self.language = QComboBox()
        self.interpreter = QComboBox()
        self.mode = QComboBox()
        for combo, name in (
            (self.topic, "Topic"),
            (self.language, "Language"),
            (self.interpreter, "Interpreter"),
            (self.mode, "Mode"),
        ):
            combo.setAccessibleName(name)
        form = QFormLayout()
        form.addRow("&Topic:", self.topic)
        form.addRow("&Language:", self.language)
        form.addRow("&Interpreter:", self.interpreter)
        form.addRow("&Mode:", self.mode)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName("What this session would break")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(form)
        layout.addWidget(self.verdict)
        layout.addWidget(self.buttons)
        self.topic.currentIndexChanged.connect(self._topic_changed)
        self.language.currentIndexChanged.connect(self._language_changed)
        self.interpreter.currentIndexChanged.connect(self._interpreter_changed)
        self.mode.currentIndexChanged.connect(self._update)
        self._fill(self.topic, [o.topic for o in self.options], self._topic_text, lambda o, v: o.topic == v)
        self.resize(self.fontMetrics().height() * 34, self.sizeHint().height())

    # the options matching the fields chosen so far
    def _matching(self, upto: int) -> list[SessionOption]:
        keys = [self.topic.currentData(), self.language.currentData(), self.interpreter.currentData()]
        out = []
        for o in self.options:
            vals = [o.topic, o.language, o.interpreter]
            if all(vals[i] == keys[i] for i in range(upto)):
                out.append(o)
        return out

    def _fill(
        self,
        combo: QComboBox,
        values: Sequence[T],
        text: Callable[[T], str],
        match: Callable[[SessionOption, T], bool],
        pool: list[SessionOption] | None = None,
    ) -> None:
        pool = self.options if pool is None else pool
        combo.blockSignals(True)
        combo.clear()
        for v in dict.fromkeys(values):
            legal = any(o.legal and match(o, v) for o in pool)
            combo.addItem(text(v) + ("" if legal else "  ✖ breaks a rule"), v)
        combo.setCurrentIndex(0 if combo.count() else -1)
        combo.blockSignals(False)
        if combo is self.topic:
            self._topic_changed()
        elif combo is self.language:
            self._language_changed()
        elif combo is self.interpreter:
            self._interpreter_changed()
        else:
            self._update()

    def _topic_text(self, topic: str) -> str:
        o = next(x for x in self.options if x.topic == topic)
        return f"{self.doc.topic_name(topic)} (interest {o.interest})"

    def _topic_changed(self, *_: object) -> None:
        pool = self._matching(1)
        self._fill(
            self.language, [o.language for o in pool], language_name, lambda o, v: o.language == v, pool
        )

    def _language_changed(self, *_: object) -> None:
        pool = self._matching(2)
        self._fill(
            self.interpreter,
            [o.interpreter for o in pool],
            lambda i: self.doc.person_name(i) if i else "none",
            lambda o, v: o.interpreter == v,
            pool,
        )

    def _interpreter_changed(self, *_: object) -> None:
        pool = self._matching(3)
        self._fill(
            self.mode,
            [o.mode for o in pool],
            lambda m: "video" if m is Mode.VIRTUAL else "in person",
            lambda o, v: o.mode == v,
            pool,
        )

    def chosen(self) -> SessionOption | None:
        mode = self.mode.currentData()
        return next((o for o in self._matching(3) if o.mode == mode), None)

    def _update(self, *_: object) -> None:
        o = self.chosen()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(o is not None)
        if o is None:
            self.verdict.setText("")
        elif o.legal:
            self.verdict.setText("✔ Keeps every rule (the session still needs more officials).")
            ok.setText("&Open session")
        else:
            self.verdict.setText("✖ Breaks a rule: " + reasons_text(o.reasons))
            ok.setText("Open &anyway")

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        doc: BoardDocument,
        official: str,
        host: str,
        slot: str,
        options: Sequence[SessionOption],
    ) -> SessionOption | None:
        """The option staff picked (a rule-breaking one only by pressing "Open anyway"), or None."""
        if not options:
            return None
        dlg = cls(doc, official, host, slot, options, parent)
        ok = dlg.exec() == QDialog.DialogCode.Accepted
        chosen = dlg.chosen() if ok else None
        dlg.deleteLater()
        return chosen
