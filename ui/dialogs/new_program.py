"""File > New program…: a wizard for the program's name, time zone, organizer, dates and
daily hours, sites (IANA zones from a list, with address), topics and session rules. The
slot grid is made from the daily hours in each site's own time zone
(:mod:`exchange_app.services.new_program`)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from exchange_app.errors import ExchangeError
from exchange_app.services.new_program import ProgramSpec, SiteSpec, TopicSpec, build_scenario, describe
from ui.dialogs.slots import DaysHoursForm
from ui.topics_sites import zone_combo

RULES = (
    ("min_guests", "Fewest officials in a session", 1, 20, 2),
    ("max_guests", "Most officials in a session", 1, 30, 6),
    ("max_same_country", "Most officials of one country in a session", 1, 20, 2),
    ("min_sessions", "Sessions each official should get (minimum)", 0, 20, 1),
    ("max_sessions", "Most sessions for a person", 1, 50, 6),
    ("max_per_day", "Most sessions for a person in a day", 1, 10, 3),
)


class ProgramWizard(QWizard):
    """Collects a :class:`ProgramSpec`; :meth:`spec` builds it from the fields."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New program")
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.addPage(self._program_page())
        self.addPage(self._days_page())
        self.addPage(self._sites_page())
        self.addPage(self._topics_page())
        self.addPage(self._summary_page())
        fh = self.fontMetrics().height()
        self.resize(fh * 48, fh * 34)

    # ------------------------------------------------------------------ pages
    def _program_page(self) -> QWizardPage:
        page = QWizardPage()
        page.setTitle("The program")
        page.setSubTitle(
            "Its name, the time zone staff plan in, who sends the invitations, and the session rules."
        )
        self.name = QLineEdit()
        self.name.setPlaceholderText("2026 General Election Peer Exchange")
        self.name.setAccessibleName("Program name")
        self.zone = zone_combo()
        self.org_name = QLineEdit()
        self.org_email = QLineEdit()
        self.org_email.setPlaceholderText("staff@exchange.example.org")
        form = QFormLayout(page)
        form.addRow("Program &name:", self.name)
        form.addRow("Program &time zone:", self.zone)
        form.addRow("Organizer n&ame:", self.org_name)
        form.addRow("Organizer &email:", self.org_email)
        self.rules: dict[str, QSpinBox] = {}
        for key, label, low, high, default in RULES:
            box = QSpinBox()
            box.setRange(low, high)
            box.setValue(default)
            box.setAccessibleName(label)
            self.rules[key] = box
            form.addRow(label + ":", box)
        page.registerField("name*", self.name)
        return page

    def _days_page(self) -> QWizardPage:
        page = QWizardPage()
        page.setTitle("Days and hours")
        page.setSubTitle(
            "Hours are each site's local time: a Honolulu site and a New York site both get these hours."
        )
        self.days_form = f = DaysHoursForm()
        self.first_day, self.last_day, self.weekends = f.first_day, f.last_day, f.weekends
        self.day_start, self.day_end, self.block = f.day_start, f.day_end, f.block
        self.lunch, self.lunch_start, self.lunch_end = f.lunch, f.lunch_start, f.lunch_end
        QVBoxLayout(page).addWidget(f)
        return page

    def _table_page(
        self, title: str, subtitle: str, headers: list[str], add_text: str
    ) -> tuple[QWizardPage, QTableWidget, QPushButton]:
        page = QWizardPage()
        page.setTitle(title)
        page.setSubTitle(subtitle)
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        add, remove = QPushButton(add_text), QPushButton("&Remove")
        remove.clicked.connect(
            lambda: table.removeRow(table.currentRow()) if table.currentRow() >= 0 else None
        )
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(table, 1)
        layout.addLayout(buttons)
        return page, table, add

    def _sites_page(self) -> QWizardPage:
        page, self.sites, add = self._table_page(
            "Sites",
            "Where hosts receive the officials. Pick each site's time zone from the list (type to search).",
            ["Site", "Time zone", "Address"],
            "&Add site",
        )
        add.clicked.connect(lambda: self.add_site())
        return page

    def add_site(self, name: str = "", tz: str = "America/New_York", address: str = "") -> None:
        row = self.sites.rowCount()
        self.sites.insertRow(row)
        self.sites.setItem(row, 0, QTableWidgetItem(name))
        combo = zone_combo(tz)
        self.sites.setCellWidget(row, 1, combo)
        self.sites.setItem(row, 2, QTableWidgetItem(address))
        self.sites.setCurrentCell(row, 0)

    def _topics_page(self) -> QWizardPage:
        page, self.topics, add = self._table_page(
            "Topics",
            "What the sessions are about; officials say which they want, hosts which they lead.",
            ["Topic", "Description"],
            "&Add topic",
        )
        add.clicked.connect(lambda: self.add_topic())
        return page

    def add_topic(self, name: str = "", description: str = "") -> None:
        row = self.topics.rowCount()
        self.topics.insertRow(row)
        self.topics.setItem(row, 0, QTableWidgetItem(name))
        self.topics.setItem(row, 1, QTableWidgetItem(description))
        self.topics.setCurrentCell(row, 0)

    def _summary_page(self) -> QWizardPage:
        wizard = self

        class Summary(QWizardPage):
            def initializePage(self) -> None:
                wizard._summarize()

            def isComplete(self) -> bool:
                return wizard._valid

        page = Summary()
        page.setTitle("Ready")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self._valid = False
        QVBoxLayout(page).addWidget(self.summary)
        return page

    # ------------------------------------------------------------------ result
    def days(self) -> list[date]:
        return self.days_form.days()

    def spec(self) -> ProgramSpec:
        def text(table: QTableWidget, row: int, col: int) -> str:
            item = table.item(row, col)
            return item.text().strip() if item is not None else ""

        hours = self.days_form.hours()
        sites = []
        for r in range(self.sites.rowCount()):
            combo = self.sites.cellWidget(r, 1)
            assert isinstance(combo, QComboBox), "add_site puts a zone list in every row"
            if text(self.sites, r, 0):
                sites.append(
                    SiteSpec(
                        name=text(self.sites, r, 0),
                        timezone=combo.currentText().strip(),
                        address=text(self.sites, r, 2) or None,
                    )
                )
        topics = [
            TopicSpec(name=text(self.topics, r, 0), description=text(self.topics, r, 1) or None)
            for r in range(self.topics.rowCount())
            if text(self.topics, r, 0)
        ]
        return ProgramSpec(
            name=self.name.text().strip(),
            timezone=self.zone.currentText().strip(),
            organizer_email=self.org_email.text().strip() or None,
            organizer_name=self.org_name.text().strip() or None,
            dates=self.days(),
            sites=sites,
            topics=topics,
            day_start=hours.day_start,
            day_end=hours.day_end,
            block_minutes=hours.block_minutes,
            lunch=hours.lunch,
            **{k: box.value() for k, box in self.rules.items()},
        )

    def _summarize(self) -> None:
        try:
            sc = build_scenario(self.spec(), "the new program")
        except ExchangeError as e:
            self._valid = False
            self.summary.setText("Not ready yet; go back and fix:\n\n" + str(e))
        else:
            self._valid = True
            self.summary.setText(
                f"<b>{sc.program.name}</b><br>{describe(sc)}.<br><br>Press Finish to create it. Then add people "
                "(File > Import people from spreadsheet, or the profile tabs) and solve."
            )
        self.page(self.pageIds()[-1]).completeChanged.emit()

    @classmethod
    def ask(cls, parent: QWidget | None) -> ProgramSpec | None:
        """The program staff described (already checked), or None when cancelled."""
        dlg = cls(parent)
        ok = dlg.exec() == QWizard.DialogCode.Accepted
        spec = dlg.spec() if ok else None
        dlg.deleteLater()
        return spec
