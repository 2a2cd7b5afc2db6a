"""Add or edit one availability window, in the local time of its site."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from exchange_app.domain import Host, Person, Scenario, Window, zone

ANYWHERE = ""


def _zone_for(site: str | None, person: Person | None, scenario: Scenario) -> str:
    sites = {x.id: x.timezone for x in scenario.locations}
    if site and site in sites:
        return sites[site]
    if isinstance(person, Host) and person.location in sites:
        return sites[person.location]
    return scenario.program.timezone


def _to_qt(dt: datetime) -> QDateTime:
    """Wall-clock time of ``dt`` as a QDateTime without zone (the dialog's zone is shown beside)."""
    q = QDateTime(dt.year, dt.month, dt.day, dt.hour, dt.minute, 0)
    q.setTimeZone(QTimeZone(QTimeZone.Initialization.LocalTime))
    return q


def _from_qt(q: QDateTime, zone_name: str) -> datetime:
    d, t = q.date(), q.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=zone(zone_name))


class WindowDialog(QDialog):
    """Site, start and end of an availability window (wall-clock time at the site)."""

    def __init__(
        self, window: Window | None, person: Person | None, scenario: Scenario, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle("Edit availability window" if window else "Add availability window")
        self.setAccessibleName(self.windowTitle())
        self._person, self._scenario = person, scenario
        self.site = QComboBox()
        self.site.setAccessibleName("Site")
        self.site.addItem("Anywhere (no site)", ANYWHERE)
        for x in scenario.locations:
            self.site.addItem(f"{x.name} ({x.timezone})", x.id)
        self.start = QDateTimeEdit()
        self.end = QDateTimeEdit()
        for w, name in ((self.start, "Start"), (self.end, "End")):
            w.setDisplayFormat("ddd dd MMM yyyy  HH:mm")
            w.setCalendarPopup(True)
            w.setAccessibleName(name)
        self.zone_note = QLabel()
        self.zone_note.setAccessibleName("Time zone of the times above")

        if window is None:
            first = min((s.start for s in scenario.slots), default=datetime.now().astimezone())
            z = _zone_for(None, person, scenario)
            local = first.astimezone(zone(z)).replace(hour=8, minute=0)
            window = Window(start=local, end=local + timedelta(hours=10), location=None)
        index = self.site.findData(window.location or ANYWHERE)
        self.site.setCurrentIndex(max(0, index))
        z = _zone_for(window.location, person, scenario)
        self.start.setDateTime(_to_qt(window.start.astimezone(zone(z))))
        self.end.setDateTime(_to_qt(window.end.astimezone(zone(z))))
        self.site.currentIndexChanged.connect(self._update_note)
        self._update_note()

        form = QFormLayout()
        form.addRow("&Site:", self.site)
        form.addRow("S&tart:", self.start)
        form.addRow("&End:", self.end)
        form.addRow("", self.zone_note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def zone_name(self) -> str:
        return _zone_for(self.site.currentData() or None, self._person, self._scenario)

    def _update_note(self) -> None:
        self.zone_note.setText(f"Times are local time in {self.zone_name()}.")

    def chosen_window(self) -> Window:
        z = self.zone_name()
        return Window(
            start=_from_qt(self.start.dateTime(), z),
            end=_from_qt(self.end.dateTime(), z),
            location=self.site.currentData() or None,
        )

    @classmethod
    def ask(
        cls, parent: QWidget | None, window: Window | None, person: Person | None, scenario: Scenario
    ) -> Window | None:
        """The edited window, or None when cancelled."""
        dlg = cls(window, person, scenario, parent)
        try:
            return dlg.chosen_window() if dlg.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dlg.deleteLater()
