"""The program's days and slot grid: the days-and-hours form the new-program wizard and
the "Change dates and hours" dialog share, and the dialog that adds one slot.

The grid itself is made by :func:`exchange_app.services.new_program.slot_grid` (daily
hours in each site's local time); the dialogs only collect what staff choose.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from exchange_app.domain import Scenario, Schedule, zone
from exchange_app.errors import ExchangeError
from exchange_app.naming import plural
from exchange_app.services import program_edits
from exchange_app.services.new_program import DayHours, infer_hours

BLOCKS = (60, 90, 45, 120, 30)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _date(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _time(edit: QTimeEdit) -> time:
    t = edit.time()
    return time(t.hour(), t.minute())


class DaysHoursForm(QWidget):
    """First and last day (weekends in or out) and the daily hours: start, end, session
    length and lunch break, in each site's local time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        today = QDate.currentDate()
        self.first_day = QDateEdit(today)
        self.last_day = QDateEdit(today.addDays(1))
        for w, name in ((self.first_day, "First day"), (self.last_day, "Last day")):
            w.setCalendarPopup(True)
            w.setDisplayFormat("ddd d MMM yyyy")
            w.setAccessibleName(name)
        self.weekends = QCheckBox("Include Saturdays and Sundays")
        self.day_start = QTimeEdit(QTime(9, 0))
        self.day_end = QTimeEdit(QTime(17, 0))
        self.block = QComboBox()
        for minutes in BLOCKS:
            self.block.addItem(f"{minutes} minutes", minutes)
        self.lunch = QCheckBox("Leave out a lunch break")
        self.lunch.setChecked(True)
        self.lunch_start = QTimeEdit(QTime(12, 0))
        self.lunch_end = QTimeEdit(QTime(13, 0))
        self.lunch.toggled.connect(self.lunch_start.setEnabled)
        self.lunch.toggled.connect(self.lunch_end.setEnabled)
        for t, name in (
            (self.day_start, "Day starts"),
            (self.day_end, "Day ends"),
            (self.lunch_start, "Lunch starts"),
            (self.lunch_end, "Lunch ends"),
        ):
            t.setDisplayFormat("HH:mm")
            t.setAccessibleName(name)
        self.block.setAccessibleName("Session length")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&First day:", self.first_day)
        form.addRow("&Last day:", self.last_day)
        form.addRow("", self.weekends)
        form.addRow("Day &starts:", self.day_start)
        form.addRow("Day &ends:", self.day_end)
        form.addRow("Session &length:", self.block)
        form.addRow("", self.lunch)
        lunch = QHBoxLayout()
        lunch.addWidget(self.lunch_start)
        lunch.addWidget(QLabel("to"))
        lunch.addWidget(self.lunch_end)
        lunch.addStretch(1)
        form.addRow("Lunch:", lunch)

    def changed_signals(self) -> list:  # type: ignore[type-arg]
        """Signals emitted when any field changes (for a live preview)."""
        return [
            self.first_day.dateChanged,
            self.last_day.dateChanged,
            self.weekends.toggled,
            self.day_start.timeChanged,
            self.day_end.timeChanged,
            self.block.currentIndexChanged,
            self.lunch.toggled,
            self.lunch_start.timeChanged,
            self.lunch_end.timeChanged,
        ]

    def days(self) -> list[date]:
        a, b = _date(self.first_day.date()), _date(self.last_day.date())
        out = [a + timedelta(days=i) for i in range((b - a).days + 1)]
        return out if self.weekends.isChecked() else [d for d in out if d.weekday() < 5]

    def hours(self) -> DayHours:
        return DayHours(
            day_start=_time(self.day_start),
            day_end=_time(self.day_end),
            block_minutes=int(self.block.currentData()),
            lunch=(_time(self.lunch_start), _time(self.lunch_end)) if self.lunch.isChecked() else None,
        )

    def set_values(self, days: list[date], hours: DayHours) -> None:
        if days:
            self.first_day.setDate(_qdate(min(days)))
            self.last_day.setDate(_qdate(max(days)))
            self.weekends.setChecked(any(d.weekday() >= 5 for d in days))
        self.day_start.setTime(QTime(hours.day_start.hour, hours.day_start.minute))
        self.day_end.setTime(QTime(hours.day_end.hour, hours.day_end.minute))
        at = self.block.findData(hours.block_minutes)
        if at < 0:
            self.block.addItem(f"{hours.block_minutes} minutes", hours.block_minutes)
            at = self.block.count() - 1
        self.block.setCurrentIndex(at)
        self.lunch.setChecked(hours.lunch is not None)
        if hours.lunch is not None:
            self.lunch_start.setTime(QTime(hours.lunch[0].hour, hours.lunch[0].minute))
            self.lunch_end.setTime(QTime(hours.lunch[1].hour, hours.lunch[1].minute))


def program_days(scenario: Scenario) -> list[date]:
    return sorted({scenario.day_of(s) for s in scenario.slots})


class DatesHoursDialog(QDialog):
    """New dates and daily hours for a program: shows, as you change them, how many slots
    the new grid adds and removes, or why it is refused (slots still used)."""

    def __init__(self, scenario: Scenario, schedule: Schedule | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Change dates and hours")
        self.setAccessibleName("Change dates and hours")
        self.scenario, self.schedule = scenario, schedule
        self.form = DaysHoursForm()
        self.form.set_values(program_days(scenario), infer_hours(scenario))
        intro = QLabel(
            "The slot grid is made again from these days and hours, in each site's local time. "
            "Slots that stay keep their sessions and pins; a slot still used is never removed."
        )
        intro.setWordWrap(True)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setAccessibleName("What changes")
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea()  # a refusal can name many sessions and people
        scroll.setWidget(self.preview)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumHeight(self.fontMetrics().height() * 7)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        for signal in self.form.changed_signals():
            signal.connect(self._preview)
        self.setMinimumWidth(self.fontMetrics().height() * 40)
        self._preview()

    def _preview(self, *_args: object) -> None:
        ok = False
        try:
            _, added, removed = program_edits.regrid(
                self.scenario, self.form.days(), self.form.hours(), self.schedule
            )
        except ExchangeError as e:
            problems = getattr(e, "problems", None)
            why = "; ".join(p.message for p in problems) if problems else str(e)
            text = "✖ " + why[:1].upper() + why[1:]
            self.preview.setObjectName("problems")
        else:
            days = self.form.days()
            span = f"{plural(len(days), 'day')} ({days[0]:%a %d %b} – {days[-1]:%a %d %b})"
            if added or removed:
                text = f"{span}: adds {plural(added, 'slot')} and removes {plural(removed, 'slot')}."
                ok = True
            else:
                text = f"{span}: the slot grid stays as it is."
            self.preview.setObjectName("")
        self.preview.setText(text)
        self.preview.style().unpolish(self.preview)
        self.preview.style().polish(self.preview)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    @classmethod
    def ask(
        cls, parent: QWidget | None, scenario: Scenario, schedule: Schedule | None
    ) -> tuple[list[date], DayHours] | None:
        """The days and hours chosen, or None when cancelled."""
        dlg = cls(scenario, schedule, parent)
        try:
            return (dlg.form.days(), dlg.form.hours()) if dlg.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dlg.deleteLater()


class AddSlotDialog(QDialog):
    """One extra slot: its day, start and length, in the time of a site (or the program)."""

    def __init__(self, scenario: Scenario, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Add slot")
        self.setAccessibleName("Add slot")
        days = program_days(scenario)
        hours = infer_hours(scenario)
        self.day = QDateEdit(_qdate(days[-1]) if days else QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.day.setAccessibleName("Day")
        self.start = QTimeEdit(QTime(hours.day_start.hour, hours.day_start.minute))
        self.start.setDisplayFormat("HH:mm")
        self.start.setAccessibleName("Starts")
        self.minutes = QSpinBox()
        self.minutes.setRange(15, 240)
        self.minutes.setSingleStep(15)
        self.minutes.setSuffix(" minutes")
        self.minutes.setValue(hours.block_minutes)
        self.minutes.setAccessibleName("Length")
        self.zone = QComboBox()
        self.zone.setAccessibleName("In the time of")
        self.zone.addItem(f"the program ({scenario.program.timezone})", scenario.program.timezone)
        for x in scenario.locations:
            self.zone.addItem(f"{x.name} ({x.timezone})", x.timezone)
        form = QFormLayout(self)
        form.addRow("&Day:", self.day)
        form.addRow("&Starts:", self.start)
        form.addRow("&Length:", self.minutes)
        form.addRow("In the &time of:", self.zone)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[datetime, datetime]:
        start = datetime.combine(_date(self.day.date()), _time(self.start), zone(self.zone.currentData()))
        end = start.astimezone(zone("UTC")) + timedelta(minutes=self.minutes.value())  # real minutes
        return start, end.astimezone(start.tzinfo)

    @classmethod
    def ask(cls, parent: QWidget | None, scenario: Scenario) -> tuple[datetime, datetime] | None:
        dlg = cls(scenario, parent)
        try:
            return dlg.values() if dlg.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dlg.deleteLater()
