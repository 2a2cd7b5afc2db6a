"""The detail editor beside a profile table: one official, host or interpreter.

Every change rebuilds the person's ``exchange-scenario/1`` record and runs it through the
importer's own checks (:func:`exchange_app.io.scenario_json.validate_person`), so staff see
the same messages an import would give; Save stays disabled while anything is wrong.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from exchange_app.domain import Host, Official, Person, PersonKind, Scenario, Window
from exchange_app.errors import Problem
from exchange_app.io.scenario_json import format_instant, parse_person, validate_person
from ui.profiles.timeline import AvailabilityTimeline, window_zone, zone_abbrev
from ui.profiles.window_dialog import WindowDialog

TITLES = {PersonKind.OFFICIAL: "official", PersonKind.HOST: "host", PersonKind.INTERPRETER: "interpreter"}


def _set_invalid(widget: QWidget, message: str | None) -> None:
    """Mark a field as invalid (styled by the app's style sheet) with the message as tooltip."""
    invalid = message is not None
    if widget.property("invalid") != invalid:
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
    widget.setToolTip(message or "")
    widget.setAccessibleDescription(message or "")


class WeightDelegate(QStyledItemDelegate):
    """Edits an interest weight with a 1..3 spin box."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        editor = QSpinBox(parent)
        editor.setRange(1, 3)
        editor.setAccessibleName("Interest weight")
        editor.setToolTip("1 = some interest, 2 = strong, 3 = top priority")
        return editor


class LimitSpin(QSpinBox):
    """A limit that may be left to the program's default (shown as "program default (N)")."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(-1, 999)
        self.setAccessibleName(name)
        self.set_default(0)

    def set_default(self, value: int) -> None:
        self.setSpecialValueText(f"program default ({value})")

    def limit(self) -> int | None:
        return None if self.value() < 0 else self.value()

    def set_limit(self, value: int | None) -> None:
        self.setValue(-1 if value is None else value)


# --------------------------------------------------------------------------- words for staff

FIELD_WORDS = {
    "id": "Id",
    "name": "Name",
    "email": "E-mail",
    "country": "Country",
    "languages": "Spoken languages",
    "interests": "Interests",
    "expertise": "Expertise",
    "organization": "Organization",
    "title": "Title",
    "delegation": "Delegation",
    "location": "Site",
    "availability": "Availability",
    "min_sessions": "Sessions (minimum)",
    "max_sessions": "Sessions (maximum)",
    "max_per_day": "Sessions per day",
}


def country_code_of(text: str) -> str:
    """The ISO 3166 code for a country typed as a name or a code ("Kenya", "ke" -> "KE");
    the text as typed when it is neither (the check then says so)."""
    from exchange_app.io.spreadsheets import CellError, country_code

    text = text.strip()
    try:
        return country_code(text) if text else ""
    except CellError:
        return text


def language_codes_of(text: str) -> list[str]:
    """ISO 639 codes for languages typed as names or codes, separated by commas
    ("English, Swahili" -> ["en", "sw"]; "en es" works too). Unknown words stay as typed."""
    from exchange_app.io.spreadsheets import CellError, language_code

    codes: list[str] = []
    for part in (x.strip() for x in re.split(r"[,;]+", text) if x.strip()):
        try:
            codes.append(language_code(part))
            continue
        except CellError:
            pass
        for word in part.split():  # "en es", or a name that is not one
            try:
                codes.append(language_code(word))
            except CellError:
                codes.append(word)
    return codes


def staff_message(p: Problem) -> str:
    """A check's problem in words for staff: "Interests: choose at least one topic" rather
    than "officials[150] (o-0151), field 'interests': {} should be non-empty"."""
    field = p.field or ""
    base = re.sub(r"\[\d+\].*$", "", field).split(".")[0]
    label = FIELD_WORDS.get(base, base.replace("_", " ").capitalize() or "This person")
    msg = p.message
    if msg.endswith("should be non-empty") or msg.endswith("is too short"):
        msg = "choose at least one topic" if base in ("interests", "expertise") else "is required"
    elif msg.endswith("is a required property"):
        msg = "is required"
    elif base == "country" and "ISO 3166" in msg:
        msg = f"{msg.split(' is not')[0]} is not a country we know; type a name (Kenya) or a code (KE)"
    elif base == "languages" and "ISO 639" in msg:
        msg = f"{msg.split(' is not')[0]} is not a language we know; type names (English, Swahili) or codes (en, sw)"
    elif "not a valid email" in msg:
        msg = f"{msg.split(' is not')[0]} is not an e-mail address"
    return f"{label}: {msg}"


class PersonEditor(QWidget):
    """Form for one person. Emits ``save_requested(person, original_id)`` on Save
    (``original_id`` is None for a new person); the owner pushes the undo command."""

    save_requested = Signal(object, object)
    reverted = Signal()
    dirty_changed = Signal(bool)

    def __init__(self, kind: PersonKind, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        self._scenario: Scenario | None = None
        self._person: Person | None = None
        self._original_id: str | None = None
        self._baseline: dict[str, Any] | None = None
        self._windows: list[Window] = []
        self._problems: list[Problem] = []
        self._loading = False
        self._dirty = False
        word = TITLES[kind]

        self.heading = QLabel()
        self.heading.setObjectName("editorHeading")
        self.heading.setAccessibleName("Editing")
        self.id_edit = self._line(
            "Id", f"unique id of the {word}, e.g. o-0151" if kind == PersonKind.OFFICIAL else "unique id"
        )
        self.name_edit = self._line("Name", "full name")
        self.email_edit = self._line("Email", "name@example.org")
        self.languages_edit = self._line(
            "Languages", "names or ISO 639 codes separated by commas, e.g. English, Swahili or en, sw"
        )
        self.organization_edit = self._line("Organization", "")
        self.title_edit = self._line("Title", "")
        self.country_edit = self._line("Country", "name or ISO 3166-1 code, e.g. Kenya or KE")
        self.country_edit.setMaxLength(60)
        self.delegation_edit = self._line("Delegation", "group that travels together (optional)")
        self.country_hint = QLabel()
        self.country_hint.setObjectName("hint")
        self.country_hint.setAccessibleName("Country name")
        self.languages_hint = QLabel()
        self.languages_hint.setObjectName("hint")
        self.languages_hint.setWordWrap(True)
        self.languages_hint.setAccessibleName("Language names")
        self.country_edit.textChanged.connect(self._update_names)
        self.languages_edit.textChanged.connect(self._update_names)
        self.site_combo = QComboBox()
        self.site_combo.setAccessibleName("Site")
        self.site_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.site_combo.setMinimumContentsLength(14)
        self.site_combo.currentIndexChanged.connect(self._changed)
        self.virtual_check = QCheckBox("Also holds virtual sessions")
        self.virtual_check.setAccessibleName("Virtual sessions")
        self.virtual_check.toggled.connect(self._changed)
        self.video_url_edit = self._line("Video link", "https://... meeting link for their virtual sessions")
        self.min_spin = LimitSpin("Minimum sessions")
        self.max_spin = LimitSpin("Maximum sessions")
        self.per_day_spin = LimitSpin("Maximum sessions per day")
        for s in (self.min_spin, self.max_spin, self.per_day_spin):
            s.valueChanged.connect(self._changed)
            s.setMinimumWidth(self.fontMetrics().horizontalAdvance("program default (00)") + 36)
            s.setMaximumWidth(s.minimumWidth() + 24)

        # interests (officials): topic (checkable) and weight 1..3
        self.interests = QTableWidget(0, 2)
        self.interests.setAccessibleName("Interests")
        self.interests.setAccessibleDescription(
            "Check a topic to add it; weight 1 = some interest, 2 = strong, 3 = top priority"
        )
        self.interests.setHorizontalHeaderLabels(["Topic", "Weight (1–3)"])
        self.interests.verticalHeader().setVisible(False)
        self.interests.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.interests.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.interests.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.interests.setTabKeyNavigation(False)
        self.interests.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.interests.itemChanged.connect(self._interest_changed)
        self.interests.setItemDelegateForColumn(1, WeightDelegate(self.interests))
        # expertise (hosts): checkable topics
        self.expertise = QListWidget()
        self.expertise.setAccessibleName("Expertise")
        self.expertise.setAccessibleDescription("Check the topics this host can lead")
        self.expertise.itemChanged.connect(self._changed)

        # availability
        self.timeline = AvailabilityTimeline()
        self.timeline.window_clicked.connect(self._select_window)
        self.windows_list = QListWidget()
        self.windows_list.setAccessibleName("Availability windows")
        self.windows_list.setMaximumHeight(120)
        self.windows_list.currentRowChanged.connect(self.timeline.set_selected)
        self.windows_list.currentRowChanged.connect(self._update_window_buttons)
        self.windows_list.itemActivated.connect(lambda _item: self.edit_window())
        self.add_window_button = QPushButton("Add window…")
        self.edit_window_button = QPushButton("Edit window…")
        self.remove_window_button = QPushButton("Remove window")
        for b, name in (
            (self.add_window_button, "Add availability window"),
            (self.edit_window_button, "Edit availability window"),
            (self.remove_window_button, "Remove availability window"),
        ):
            b.setAccessibleName(name)
        self.add_window_button.clicked.connect(self.add_window)
        self.edit_window_button.clicked.connect(self.edit_window)
        self.remove_window_button.clicked.connect(self.remove_window)
        self.zone_note = QLabel()
        self.zone_note.setWordWrap(True)
        self.zone_note.setObjectName("hint")

        self.problems_label = QLabel()
        self.problems_label.setObjectName("problems")
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label.setAccessibleName("Problems")
        self.problems_label.hide()
        self.save_button = QPushButton("Save")
        self.save_button.setAccessibleName(f"Save {word}")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.save_button.setToolTip("Save (Ctrl+Enter)")
        save_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.save)
        enter_shortcut = QShortcut(QKeySequence("Ctrl+Enter"), self)
        enter_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        enter_shortcut.activated.connect(self.save)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setAccessibleName("Revert changes")
        self.revert_button.clicked.connect(self.revert)

        # layout
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form = form
        form.addRow(self._label("&Id:", self.id_edit), self.id_edit)
        form.addRow(self._label("Na&me:", self.name_edit), self.name_edit)
        form.addRow(self._label("Emai&l:", self.email_edit), self.email_edit)
        if kind == PersonKind.OFFICIAL:
            country_row = QHBoxLayout()
            country_row.addWidget(self.country_edit)
            country_row.addWidget(self.country_hint, 1)
            self.country_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("MMMMMMMMMMMM") + 16)
            form.addRow(self._label("&Country:", self.country_edit), country_row)
        if kind != PersonKind.INTERPRETER:
            form.addRow(self._label("Or&ganization:", self.organization_edit), self.organization_edit)
            form.addRow(self._label("Title:", self.title_edit), self.title_edit)
        if kind == PersonKind.OFFICIAL:
            form.addRow(self._label("Delegation:", self.delegation_edit), self.delegation_edit)
        if kind == PersonKind.HOST:
            form.addRow(self._label("Offi&ce site:", self.site_combo), self.site_combo)
            form.addRow("", self.virtual_check)
            form.addRow(self._label("Vi&deo link:", self.video_url_edit), self.video_url_edit)
        form.addRow(self._label("Spo&ken languages:", self.languages_edit), self.languages_edit)
        form.addRow("", self.languages_hint)
        if kind == PersonKind.OFFICIAL:
            form.addRow(self._label("Minimum sessions:", self.min_spin), self.min_spin)
        form.addRow(self._label("Ma&ximum sessions:", self.max_spin), self.max_spin)
        form.addRow(self._label("Most per da&y:", self.per_day_spin), self.per_day_spin)

        # identity and limits on the left, topics on the right, availability below
        body = QGridLayout()
        body.addWidget(self.heading, 0, 0, 1, 2)
        topics_box = None
        if kind == PersonKind.OFFICIAL:
            topics_box = QGroupBox("Interests and &weights")
            QVBoxLayout(topics_box).addWidget(self.interests)
            self.interests.setMinimumHeight(160)
        if kind == PersonKind.HOST:
            topics_box = QGroupBox("Expertise (&which topics they lead)")
            QVBoxLayout(topics_box).addWidget(self.expertise)
            self.expertise.setMinimumHeight(160)
        if topics_box is not None:
            body.addLayout(form, 1, 0)
            body.addWidget(topics_box, 1, 1)
            body.setColumnStretch(0, 1)
            body.setColumnStretch(1, 1)
        else:
            body.addLayout(form, 1, 0, 1, 2)
        avail = QGroupBox("Availa&bility (local time)")
        av = QVBoxLayout(avail)
        av.addWidget(self.timeline)
        av.addWidget(self.zone_note)
        row = QHBoxLayout()
        row.addWidget(self.windows_list, 1)
        buttons = QVBoxLayout()
        for b in (self.add_window_button, self.edit_window_button, self.remove_window_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        row.addLayout(buttons)
        av.addLayout(row)
        body.addWidget(avail, 2, 0, 1, 2)
        body.setRowStretch(3, 1)

        inner = QWidget()
        inner.setLayout(body)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, not the scroller
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.revert_button)
        actions.addWidget(self.save_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.problems_label)
        outer.addLayout(actions)
        self._set_tab_order()
        self.setEnabled(False)
        self._update_buttons()

    def focus_order(self) -> list[QWidget]:
        """The editor's controls in reading order (the Tab key follows it)."""
        order: list[QWidget] = [self.id_edit, self.name_edit, self.email_edit]
        if self.kind == PersonKind.OFFICIAL:
            order.append(self.country_edit)
        if self.kind != PersonKind.INTERPRETER:
            order += [self.organization_edit, self.title_edit]
        if self.kind == PersonKind.OFFICIAL:
            order.append(self.delegation_edit)
        if self.kind == PersonKind.HOST:
            order += [self.site_combo, self.virtual_check, self.video_url_edit]
        order.append(self.languages_edit)
        if self.kind == PersonKind.OFFICIAL:
            order.append(self.min_spin)
        order += [self.max_spin, self.per_day_spin]
        if self.kind == PersonKind.OFFICIAL:
            order.append(self.interests)
        if self.kind == PersonKind.HOST:
            order.append(self.expertise)
        order += [
            self.windows_list,
            self.add_window_button,
            self.edit_window_button,
            self.remove_window_button,
            self.revert_button,
            self.save_button,
        ]
        return order

    def _set_tab_order(self) -> None:
        order = self.focus_order()
        for a, b in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(a, b)

    # --------------------------------------------------------------- helpers
    def _line(self, name: str, placeholder: str) -> QLineEdit:
        e = QLineEdit()
        e.setAccessibleName(name)
        e.setPlaceholderText(placeholder)
        e.textChanged.connect(self._changed)
        return e

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    # --------------------------------------------------------------- loading
    def load(self, person: Person | None, scenario: Scenario, *, new: bool = False) -> None:
        """Show ``person`` (None: clear). ``new``: the person is not stored yet (Save adds)."""
        self._loading = True
        try:
            self._scenario = scenario
            self._person = person
            self._original_id = None if (new or person is None) else person.id
            word = TITLES[self.kind]
            self.setEnabled(person is not None)
            program = scenario.program
            self.min_spin.set_default(program.min_sessions)
            self.max_spin.set_default(program.max_sessions)
            self.per_day_spin.set_default(program.max_per_day)
            self.site_combo.clear()
            for x in scenario.locations:
                self.site_combo.addItem(f"{x.name} ({x.id})", x.id)
            if person is None:
                self.heading.setText(
                    f"Select an {word} to edit" if word[0] in "aeiou" else f"Select a {word} to edit"
                )
                for e in (
                    self.id_edit,
                    self.name_edit,
                    self.email_edit,
                    self.languages_edit,
                    self.organization_edit,
                    self.title_edit,
                    self.country_edit,
                    self.delegation_edit,
                    self.video_url_edit,
                ):
                    e.clear()
                self._windows = []
                self._fill_topics(scenario, {}, [])
                self._baseline = None
            else:
                self.heading.setText(
                    f"New {word}" if new else f"{word.capitalize()} {person.id}: {person.name}"
                )
                self.id_edit.setText(person.id)
                self.id_edit.setReadOnly(not new)
                self.id_edit.setToolTip(
                    "" if new else "The id of a stored person cannot change; duplicate to make a new one."
                )
                self.name_edit.setText(person.name)
                self.email_edit.setText(person.email or "")
                self.languages_edit.setText(", ".join(person.languages))
                self.max_spin.set_limit(person.max_sessions)
                self.per_day_spin.set_limit(person.max_per_day)
                interests: dict[str, int] = {}
                expertise: list[str] = []
                if isinstance(person, Official):
                    self.country_edit.setText(person.country)
                    self.organization_edit.setText(person.organization or "")
                    self.title_edit.setText(person.title or "")
                    self.delegation_edit.setText(person.delegation or "")
                    self.min_spin.set_limit(person.min_sessions)
                    interests = dict(person.interests)
                if isinstance(person, Host):
                    self.organization_edit.setText(person.organization or "")
                    self.title_edit.setText(person.title or "")
                    self.site_combo.setCurrentIndex(max(0, self.site_combo.findData(person.location)))
                    self.virtual_check.setChecked(person.virtual)
                    self.video_url_edit.setText(person.video_url or "")
                    expertise = list(person.expertise)
                self._fill_topics(scenario, interests, expertise)
                self._windows = list(person.availability)
            self._refresh_windows()
            for edit in (
                self.id_edit,
                self.name_edit,
                self.email_edit,
                self.organization_edit,
                self.title_edit,
                self.country_edit,
                self.delegation_edit,
                self.languages_edit,
            ):
                edit.setCursorPosition(0)  # long texts show their beginning
        finally:
            self._loading = False
        self._baseline = self.record() if person is not None and not new else None
        self._changed()

    def _fill_topics(self, scenario: Scenario, interests: dict[str, int], expertise: list[str]) -> None:
        self.interests.blockSignals(True)
        self.interests.setRowCount(0)
        topics = scenario.topics
        unknown = [t for t in interests if t not in {x.id for x in topics}]
        self.interests.setRowCount(len(topics) + len(unknown))
        for r, (tid, name) in enumerate([(t.id, t.name) for t in topics] + [(t, t) for t in unknown]):
            item = QTableWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, tid)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            )
            item.setCheckState(Qt.CheckState.Checked if tid in interests else Qt.CheckState.Unchecked)
            weight = QTableWidgetItem()
            if tid in interests:
                weight.setData(Qt.ItemDataRole.EditRole, interests[tid])
                weight.setFlags(
                    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsSelectable
                )
            else:
                weight.setFlags(Qt.ItemFlag.ItemIsSelectable)
            self.interests.setItem(r, 0, item)
            self.interests.setItem(r, 1, weight)
        self.interests.blockSignals(False)
        self.expertise.blockSignals(True)
        self.expertise.clear()
        for tid, name in [(t.id, t.name) for t in topics] + [
            (t, t) for t in expertise if t not in {x.id for x in topics}
        ]:
            entry = QListWidgetItem(name)
            entry.setData(Qt.ItemDataRole.UserRole, tid)
            entry.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            )
            entry.setCheckState(Qt.CheckState.Checked if tid in expertise else Qt.CheckState.Unchecked)
            self.expertise.addItem(entry)
        self.expertise.blockSignals(False)

    def _interest_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 0:
            weight = self.interests.item(item.row(), 1)
            assert weight is not None, "_fill_topics sets a weight beside every topic"
            self.interests.blockSignals(True)
            if item.checkState() == Qt.CheckState.Checked:
                if weight.data(Qt.ItemDataRole.EditRole) in (None, ""):
                    weight.setData(Qt.ItemDataRole.EditRole, 1)
                weight.setFlags(
                    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsSelectable
                )
            else:
                weight.setData(Qt.ItemDataRole.EditRole, None)
                weight.setFlags(Qt.ItemFlag.ItemIsSelectable)
            self.interests.blockSignals(False)
        self._changed()

    def _update_names(self, *_args: object) -> None:
        """Country and language names beside the codes, so staff can check what they typed."""
        if not self.country_edit.text().strip() and not self.languages_edit.text().strip():
            self.country_hint.clear()
            self.languages_hint.clear()
            self.languages_hint.hide()
            return
        from exchange_app.rules import country_name, language_name

        code = country_code_of(self.country_edit.text())
        self.country_hint.setText(
            country_name(code).rsplit(" (", 1)[0]
            if len(code) == 2 and code.isupper() and country_name(code) != code
            else ""
        )
        codes = language_codes_of(self.languages_edit.text())
        names = [
            language_name(c).rsplit(" (", 1)[0].replace(" (macrolanguage)", "")
            if not language_name(c).startswith("'")
            else "?"
            for c in codes
        ]
        self.languages_hint.setText(", ".join(names))
        self.languages_hint.setVisible(bool(names))

    # --------------------------------------------------------------- windows
    def _window_text(self, w: Window) -> str:
        assert self._scenario is not None
        from exchange_app.domain import zone

        z = zone(window_zone(w, self._person_for_zone(), self._scenario))
        a, b = w.start.astimezone(z), w.end.astimezone(z)
        end = f"{b:%H:%M}" if b.date() == a.date() else f"{b:%a %d %b %H:%M}"
        sites = self._scenario.locations_by_id()
        if w.location:
            where = sites[w.location].name if w.location in sites else w.location
        elif self.kind == PersonKind.HOST and self.site_combo.currentData() in sites:
            where = f"{sites[self.site_combo.currentData()].name} (their site)"
        else:
            where = "anywhere"
        return f"{a:%a %d %b %H:%M}–{end} {zone_abbrev(a)} · {where}"

    def _person_for_zone(self) -> Person | None:
        """The person as edited (a host's site decides the zone of windows without a site)."""
        if self.kind == PersonKind.HOST and self._scenario is not None:
            site = self.site_combo.currentData()
            if site:
                return Host(id="", name="", location=site)
        return self._person

    def _refresh_windows(self) -> None:
        row = self.windows_list.currentRow()
        self.windows_list.blockSignals(True)
        self.windows_list.clear()
        if self._scenario is not None:
            for w in self._windows:
                item = QListWidgetItem(self._window_text(w))
                site = w.location or (self.site_combo.currentData() if self.kind == PersonKind.HOST else None)
                item.setIcon(self.timeline.site_icon(site))
                self.windows_list.addItem(item)
            self.timeline.set_data(self._person_for_zone(), self._windows, self._scenario)
            self.zone_note.setText(
                "Each window is shown in the local time of its site"
                + (
                    " (this host's site when none is given)."
                    if self.kind == PersonKind.HOST
                    else " (the program's zone when none is given)."
                )
                + " Shaded bands are the program's slots."
            )
        self.windows_list.blockSignals(False)
        if 0 <= row < self.windows_list.count():
            self.windows_list.setCurrentRow(row)
        self.timeline.set_selected(self.windows_list.currentRow())
        self._update_window_buttons()

    def _update_window_buttons(self, *_args: object) -> None:
        has = self.windows_list.currentRow() >= 0
        self.edit_window_button.setEnabled(has)
        self.remove_window_button.setEnabled(has)

    def _select_window(self, index: int) -> None:
        self.windows_list.setCurrentRow(index)
        self._refresh_windows()

    def add_window(self) -> None:
        if self._scenario is None:
            return
        w = WindowDialog.ask(self, None, self._person_for_zone(), self._scenario)
        if w is not None:
            self._windows.append(w)
            self._refresh_windows()
            self.windows_list.setCurrentRow(len(self._windows) - 1)
            self._changed()

    def edit_window(self) -> None:
        i = self.windows_list.currentRow()
        if self._scenario is None or not (0 <= i < len(self._windows)):
            return
        w = WindowDialog.ask(self, self._windows[i], self._person_for_zone(), self._scenario)
        if w is not None:
            self._windows[i] = w
            self._refresh_windows()
            self._changed()

    def remove_window(self) -> None:
        i = self.windows_list.currentRow()
        if 0 <= i < len(self._windows):
            del self._windows[i]
            self._refresh_windows()
            self._changed()

    def windows(self) -> list[Window]:
        return list(self._windows)

    # --------------------------------------------------------------- the record
    def record(self) -> dict[str, Any]:
        """The person as an ``exchange-scenario/1`` record, exactly as typed."""
        rec: dict[str, Any] = {"id": self.id_edit.text().strip(), "name": self.name_edit.text().strip()}
        if self.email_edit.text().strip():
            rec["email"] = self.email_edit.text().strip()
        if self.kind == PersonKind.OFFICIAL:
            rec["country"] = country_code_of(self.country_edit.text())
        if self.kind != PersonKind.INTERPRETER:
            for key, edit in (("organization", self.organization_edit), ("title", self.title_edit)):
                if edit.text().strip():
                    rec[key] = edit.text().strip()
        if self.kind == PersonKind.HOST:
            rec["location"] = self.site_combo.currentData() or ""
        rec["languages"] = language_codes_of(self.languages_edit.text())
        if self.kind == PersonKind.OFFICIAL:
            interests: dict[str, int] = {}
            for r in range(self.interests.rowCount()):
                item, weight_item = self.interests.item(r, 0), self.interests.item(r, 1)
                assert item is not None and weight_item is not None, "_fill_topics fills both columns"
                if item.checkState() == Qt.CheckState.Checked:
                    weight = weight_item.data(Qt.ItemDataRole.EditRole)
                    try:
                        interests[item.data(Qt.ItemDataRole.UserRole)] = int(weight)
                    except (TypeError, ValueError):
                        interests[item.data(Qt.ItemDataRole.UserRole)] = weight
            rec["interests"] = interests
            if self.delegation_edit.text().strip():
                rec["delegation"] = self.delegation_edit.text().strip()
        if self.kind == PersonKind.HOST:
            rec["expertise"] = [
                self.expertise.item(r).data(Qt.ItemDataRole.UserRole)
                for r in range(self.expertise.count())
                if self.expertise.item(r).checkState() == Qt.CheckState.Checked
            ]
            rec["virtual"] = self.virtual_check.isChecked()
            if self.video_url_edit.text().strip():
                rec["video_url"] = self.video_url_edit.text().strip()
        if self._scenario is not None:
            person = self._person_for_zone()
            windows: list[dict[str, str]] = []
            for w in self._windows:
                z = window_zone(w, person, self._scenario)
                d = {"start": format_instant(w.start, z), "end": format_instant(w.end, z)}
                if w.location:
                    d["location"] = w.location
                windows.append(d)
            rec["availability"] = windows
        if self.kind == PersonKind.OFFICIAL and self.min_spin.limit() is not None:
            rec["min_sessions"] = self.min_spin.limit()
        if self.max_spin.limit() is not None:
            rec["max_sessions"] = self.max_spin.limit()
        if self.per_day_spin.limit() is not None:
            rec["max_per_day"] = self.per_day_spin.limit()
        return rec

    def problems(self) -> list[Problem]:
        return list(self._problems)

    def is_dirty(self) -> bool:
        return self._dirty

    def is_new(self) -> bool:
        return self._person is not None and self._original_id is None

    def person(self) -> Person | None:
        """The loaded person (as stored, or the template of a new one)."""
        return self._person

    def original_id(self) -> str | None:
        return self._original_id

    # --------------------------------------------------------------- validation
    def _changed(self, *_args: object) -> None:
        if self._loading:
            return
        if self._scenario is None or self._person is None:
            self._problems = []
            if self._dirty:  # a cleared editor holds no edit (else saving a new person asked
                self._dirty = False  # "Save the changes to ?" about the emptied form)
                self.dirty_changed.emit(False)
            self._show_problems()
            self._update_buttons()
            return
        if self.sender() is self.site_combo:
            self._refresh_windows()
        rec = self.record()
        self._problems = validate_person(str(self.kind), rec, self._scenario, self._original_id)
        dirty = self._baseline is None or rec != self._baseline
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
        self._show_problems()
        self._update_buttons()

    def _field_widget(self, field: str | None) -> QWidget | None:
        if not field:
            return None
        head = re.split(r"[.\[]", field, maxsplit=1)[0]
        return {
            "id": self.id_edit,
            "name": self.name_edit,
            "email": self.email_edit,
            "country": self.country_edit,
            "organization": self.organization_edit,
            "title": self.title_edit,
            "delegation": self.delegation_edit,
            "languages": self.languages_edit,
            "interests": self.interests,
            "expertise": self.expertise,
            "location": self.site_combo,
            "video_url": self.video_url_edit,
            "availability": self.windows_list,
            "min_sessions": self.min_spin,
            "max_sessions": self.max_spin,
            "max_per_day": self.per_day_spin,
        }.get(head)

    def _show_problems(self) -> None:
        marked: dict[QWidget, str] = {}
        for p in self._problems:
            w = self._field_widget(p.field)
            if w is not None:
                marked.setdefault(w, staff_message(p))
        for w in (
            self.id_edit,
            self.name_edit,
            self.email_edit,
            self.country_edit,
            self.organization_edit,
            self.title_edit,
            self.delegation_edit,
            self.languages_edit,
            self.interests,
            self.expertise,
            self.site_combo,
            self.video_url_edit,
            self.windows_list,
            self.min_spin,
            self.max_spin,
            self.per_day_spin,
        ):
            _set_invalid(w, marked.get(w))
        if self._problems:
            lines = [staff_message(p) for p in self._problems[:8]]
            if len(self._problems) > 8:
                lines.append(f"… and {len(self._problems) - 8} more")
            self.problems_label.setText("\n".join(lines))
            self.problems_label.show()
        else:
            self.problems_label.clear()
            self.problems_label.hide()

    def _update_buttons(self) -> None:
        ok = self._person is not None and not self._problems
        self.save_button.setEnabled(ok and self._dirty)
        self.revert_button.setEnabled(self._person is not None and self._dirty)
        self.save_button.setToolTip(
            "Fix the problems listed first" if self._problems else "Save (Ctrl+Enter)"
        )

    # --------------------------------------------------------------- actions
    def edited_person(self) -> Person | None:
        """The person as edited, or None while there are problems (or nothing is loaded)."""
        if self._scenario is None or self._person is None or self._problems:
            return None
        return parse_person(str(self.kind), self.record(), self._scenario, self._original_id)

    def save(self) -> None:
        if not self._dirty:
            return
        person = self.edited_person()
        if person is not None:
            self.save_requested.emit(person, self._original_id)

    def revert(self) -> None:
        if self._person is not None and self._scenario is not None:
            self.load(self._person, self._scenario, new=self._original_id is None)
            self.reverted.emit()
