"""Program settings: name, time zone, organizer and the session rules.

Checked as you type with the importer's own checks (schema, known IANA zone,
min_guests <= max_guests), so the messages are the ones an import gives.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from exchange_app.domain import SCENARIO_FORMAT, Organizer, Program
from exchange_app.errors import InputError, Problem
from exchange_app.io.scenario_json import parse_scenario


def program_problems(program_dict: dict[str, Any]) -> list[Problem]:
    """Problems with a ``program`` object, as the importer reports them."""
    doc = {
        "format": SCENARIO_FORMAT,
        "program": program_dict,
        "topics": [],
        "slots": [],
        "officials": [],
        "hosts": [],
    }
    try:
        parse_scenario(doc, source="program settings")
    except InputError as e:
        return e.problems
    return []


class ProgramSettingsDialog(QDialog):
    """Edit a :class:`Program`; OK is enabled only while the settings are valid."""

    def __init__(self, program: Program, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Program settings")
        self.setAccessibleName("Program settings")
        self.setMinimumWidth(520)

        def line(name: str, text: str, placeholder: str = "") -> QLineEdit:
            e = QLineEdit(text)
            e.setAccessibleName(name)
            e.setPlaceholderText(placeholder)
            e.textChanged.connect(self._validate)
            return e

        def spin(name: str, value: int, minimum: int) -> QSpinBox:
            s = QSpinBox()
            s.setRange(minimum, 999)
            s.setValue(value)
            s.setAccessibleName(name)
            s.valueChanged.connect(self._validate)
            return s

        self.name = line("Program name", program.name)
        self.timezone = line("Time zone", program.timezone, "IANA name, e.g. America/New_York")
        completer = QCompleter(sorted(zoneinfo.available_timezones()), self.timezone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.timezone.setCompleter(completer)
        org = program.organizer
        self.organizer_name = line("Organizer name", (org.name or "") if org else "")
        self.organizer_email = line(
            "Organizer email", org.email if org else "", "sends the calendar invitations"
        )
        self.min_guests = spin("Fewest officials in a session", program.min_guests, 1)
        self.max_guests = spin("Most officials in a session", program.max_guests, 1)
        self.max_same_country = spin(
            "Most officials from one country in a session", program.max_same_country, 1
        )
        self.min_sessions = spin("Default minimum sessions per person", program.min_sessions, 0)
        self.max_sessions = spin("Default maximum sessions per person", program.max_sessions, 0)
        self.max_per_day = spin("Default maximum sessions per day", program.max_per_day, 0)

        general = QGroupBox("Program")
        f = QFormLayout(general)
        f.addRow(self._label("&Name:", self.name), self.name)
        f.addRow(self._label("&Time zone:", self.timezone), self.timezone)
        f.addRow(self._label("Organizer na&me:", self.organizer_name), self.organizer_name)
        f.addRow(self._label("Organizer &email:", self.organizer_email), self.organizer_email)
        rules = QGroupBox("Sessions")
        r = QFormLayout(rules)
        r.addRow(self._label("Fe&west officials per session:", self.min_guests), self.min_guests)
        r.addRow(self._label("M&ost officials per session:", self.max_guests), self.max_guests)
        r.addRow(self._label("Most from one &country:", self.max_same_country), self.max_same_country)
        defaults = QGroupBox("Defaults for people who set none")
        d = QFormLayout(defaults)
        d.addRow(self._label("M&inimum sessions:", self.min_sessions), self.min_sessions)
        d.addRow(self._label("Ma&ximum sessions:", self.max_sessions), self.max_sessions)
        d.addRow(self._label("Maximum per &day:", self.max_per_day), self.max_per_day)

        self.problems_label = QLabel()
        self.problems_label.setObjectName("problems")
        self.problems_label.setWordWrap(True)
        self.problems_label.setAccessibleName("Problems")
        self.problems_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (general, rules, defaults, self.problems_label, self.buttons):
            layout.addWidget(w)
        self._problems: list[Problem] = []
        self._validate()

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def program_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name.text().strip(), "timezone": self.timezone.text().strip()}
        if self.organizer_email.text().strip() or self.organizer_name.text().strip():
            d["organizer"] = {"email": self.organizer_email.text().strip()}
            if self.organizer_name.text().strip():
                d["organizer"]["name"] = self.organizer_name.text().strip()
        for key in (
            "min_guests",
            "max_guests",
            "max_same_country",
            "min_sessions",
            "max_sessions",
            "max_per_day",
        ):
            d[key] = getattr(self, key).value()
        return d

    def problems(self) -> list[Problem]:
        return list(self._problems)

    def _validate(self, *_args: object) -> None:
        self._problems = program_problems(self.program_dict())
        marks = {"name": self.name, "timezone": self.timezone, "organizer": self.organizer_email}
        for w in (
            self.name,
            self.timezone,
            self.organizer_email,
            self.min_guests,
            self.max_guests,
            self.max_same_country,
            self.min_sessions,
            self.max_sessions,
            self.max_per_day,
        ):
            w.setProperty("invalid", False)
        for p in self._problems:
            head = (p.field or "").split(".")[0]
            marked = marks.get(head) or getattr(self, head, None)
            if isinstance(marked, QWidget):
                marked.setProperty("invalid", True)
        for w in (
            self.name,
            self.timezone,
            self.organizer_email,
            self.min_guests,
            self.max_guests,
            self.max_same_country,
            self.min_sessions,
            self.max_sessions,
            self.max_per_day,
        ):
            w.style().unpolish(w)
            w.style().polish(w)
        self.problems_label.setText("\n".join(str(p) for p in self._problems))
        self.problems_label.setVisible(bool(self._problems))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not self._problems)

    def program(self) -> Program:
        d = self.program_dict()
        org = d.get("organizer")
        return Program(
            name=d["name"],
            timezone=d["timezone"],
            organizer=Organizer(email=org["email"], name=org.get("name")) if org else None,
            **{
                k: d[k]
                for k in (
                    "min_guests",
                    "max_guests",
                    "max_same_country",
                    "min_sessions",
                    "max_sessions",
                    "max_per_day",
                )
            },
        )

    @classmethod
    def ask(cls, parent: QWidget | None, program: Program) -> Program | None:
        """The changed settings, or None when cancelled."""
        dlg = cls(program, parent)
        try:
            return dlg.program() if dlg.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dlg.deleteLater()
