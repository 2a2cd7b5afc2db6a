"""The Schedule tab: the board, the unassigned list, the live rule check and the person view.

Embedded by the main window (it shares the window's undo stack) and usable on its own
(tests, screenshots)::

    tab = ScheduleTab(workspace, program_id, undo_stack)

Edits stay in memory until :meth:`ScheduleTab.save` stores a new schedule version (source
``edit``); :meth:`has_unsaved_changes` and ``dirty_changed`` tell the window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from exchange_app.domain import Program, Scenario, Schedule, Unmatched
from exchange_app.errors import NotFoundError
from exchange_app.io.schedule_json import new_pin_contradictions
from exchange_app.naming import Names, number, plural
from exchange_app.schedule_diff import diff_schedules
from exchange_app.services import Workspace
from exchange_app.services.solving import SolveOutcome
from solver import SolveOptions
from ui.board import commands
from ui.board.changes import ChangesDialog, ask_broken_pins
from ui.board.check_panel import CheckPanel
from ui.board.document import BoardDocument, day_label, reasons_text
from ui.board.edits import broken_pins, carry_pins, kept_pins
from ui.board.hand_editing import HandEditing
from ui.board.model import BoardModel
from ui.board.person_view import PersonPanel
from ui.board.picker import Choice, TargetPicker
from ui.board.unassigned import UnassignedModel, UnassignedView
from ui.board.view import BoardView
from ui.dialogs.solve import SolveDialog
from ui.operations import Operation, error_text, op, show_error

REOPTIMIZE_SECONDS = 20

#: (scenario, latest schedule or an empty one, its version number or None)
LoadedSchedule = tuple[Scenario, Schedule, int | None]


def load_board(ws: Workspace, program_id: int, scenario: bool = True) -> LoadedSchedule:
    """What the board shows, read from the database (any thread; the window runs it as a
    background operation before it builds the tab). ``scenario=False`` skips the program."""
    sc = ws.load_scenario(program_id) if scenario else Scenario(program=Program(name=""))
    version = max((v.number for v in ws.schedule_versions(program_id)), default=None)
    if version is None:
        return sc, Schedule(), None
    try:  # that very version (a colleague may save a newer one meanwhile): a save merges from it
        return sc, ws.load_schedule(program_id, version), version
    except NotFoundError:  # gone meanwhile (a backup was restored)
        return sc, Schedule(), None


HINT = (
    "Drag an official's name to another session, to a free cell (opens a session) or to the Unassigned "
    "list, or a card's title to another slot; right-click a card to change or delete it; hold Shift to keep a drop that breaks a rule. Keyboard: Alt+Up/Down picks an official in the "
    "selected card; the Menu key or Shift+F10 lists the actions."
)


class ScheduleTab(QWidget):
    """Board + side panels for one program of ``workspace``."""

    status_changed = Signal(str)
    dirty_changed = Signal(bool)

    def __init__(
        self,
        workspace: Workspace,
        program_id: int,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
        loaded: LoadedSchedule | None = None,
    ):
        """``loaded``: what :func:`load_board` read (in the background); None reads it here."""
        super().__init__(parent)
        self.setObjectName("ScheduleTab")
        self.workspace = workspace
        self.program_id = program_id
        self.undo_stack = undo_stack
        self.save_op: Operation[int] | None = None
        loaded = loaded or load_board(workspace, program_id)
        scenario, schedule, self.version = loaded
        self.document = BoardDocument(scenario, schedule, self)
        self._saved = self.document.schedule
        self._dirty = False

        self.board_model = BoardModel(self.document, undo_stack, self)
        self.board = BoardView(self.board_model)
        self.unassigned_model = UnassignedModel(self.document, undo_stack, self)
        self.unassigned = UnassignedView(self.unassigned_model, self.board_model)
        self.check_panel = CheckPanel(self.document)
        self.person_panel = PersonPanel(self.document)

        self._build_actions()
        self.hand = HandEditing(self)
        self._build_layout()

        self.document.schedule_changed.connect(self._on_schedule_changed)
        self.document.scenario_changed.connect(self._fill_selectors)
        for source in (
            self.board_model.message,
            self.unassigned_model.message,
            self.board.drag_message,
            self.unassigned.drag_message,
        ):
            source.connect(self._set_status)
        self.board.menu_requested.connect(self._show_menu)
        self.board.selectionModel().currentChanged.connect(lambda *_: self._update_actions())
        self.board.official_changed.connect(lambda *_: self._update_actions())
        self.unassigned.selectionModel().currentChanged.connect(lambda *_: self._update_actions())
        for changed in (self.board.selectionModel().currentChanged, self.board.official_changed):
            changed.connect(lambda *_: self._picked_for_hand(False))
        self.unassigned.selectionModel().currentChanged.connect(lambda *_: self._picked_for_hand(True))
        self.unassigned.selectionModel().currentChanged.connect(self._show_unassigned_detail)
        self.unassigned_model.modelReset.connect(lambda: self.unassigned_detail.clear())
        self.check_panel.session_activated.connect(self.select_session)
        self.person_panel.session_activated.connect(self.select_session)
        self._fill_selectors()
        self._update_actions()
        self._set_status(HINT)

    def _picked_for_hand(self, in_list: bool) -> None:
        """Staff picked an official in the unassigned list (True) or on the board."""
        self.hand.picked_in_list(in_list)
        self.hand.refresh()

    # ------------------------------------------------------------------ building
    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey | None = None,
        tip: str = "",
    ) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        a.setStatusTip(tip or text.rstrip("…"))
        a.setToolTip(
            f"{text.replace('&', '')} ({a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
            if shortcut is not None
            else text.replace("&", "")
        )
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        self.solve_action = self._action(
            "&Solve…", self.solve, "Ctrl+R", "Solve the whole program (a new schedule)"
        )
        self.reoptimize_action = self._action(
            "Re-optimize around &pins…",
            self.reoptimize,
            "Ctrl+Shift+R",
            "Solve again, keeping pinned officials and changing little else",
        )
        self.move_action = self._action(
            "&Move to session…",
            self.move_official_dialog,
            "Ctrl+M",
            "Move the selected official to another session",
        )
        self.move_session_action = self._action(
            "Move session to &slot…",
            self.move_session_dialog,
            "Ctrl+Shift+M",
            "Move the selected session to another slot of its host",
        )
        self.unassign_action = self._action(
            "&Unassign",
            self.unassign_current,
            QKeySequence.StandardKey.Delete,
            "Take the selected official out of the session",
        )
        self.pin_action = self._action(
            "&Pin / unpin official",
            self.toggle_pin_official,
            "Ctrl+P",
            "Fix (or free) the selected official's place in this session",
        )
        self.pin_session_action = self._action(
            "Pin / unpin &whole session",
            self.toggle_pin_session,
            "Ctrl+Shift+P",
            "Fix (or free) every official of the selected session",
        )
        self.save_action = self._action(
            "Sa&ve schedule",
            self.save,
            QKeySequence.StandardKey.Save,
            "Store the edited schedule as a new version",
        )
        self.itinerary_action = self._action(
            "Show &itinerary", self.show_itinerary, "Ctrl+Shift+I", "Show the selected person's sessions"
        )

    def actions_for_menu(self) -> list[QAction]:
        """For the main window's Schedule menu (separators as ``None``-free list)."""
        return [
            self.solve_action,
            self.reoptimize_action,
            self.move_action,
            self.move_session_action,
            self.unassign_action,
            self.pin_action,
            self.pin_session_action,
            self.hand.open_action,
            self.hand.swap_action,
            self.hand.delete_action,
            self.itinerary_action,
            self.save_action,
        ]

    def _build_layout(self) -> None:
        self.day_combo = QComboBox()
        self.day_combo.setAccessibleName("Day")
        self.zone_combo = QComboBox()
        self.zone_combo.setAccessibleName("Display time zone")
        self.busy_only = QCheckBox("Only hosts with sessions")
        self.busy_only.setAccessibleName("Only hosts with sessions")
        day_label_w = QLabel("&Day:")
        day_label_w.setBuddy(self.day_combo)
        zone_label = QLabel("&Times in:")
        zone_label.setBuddy(self.zone_combo)
        self.day_combo.currentIndexChanged.connect(self._day_picked)
        self.zone_combo.currentIndexChanged.connect(self._zone_picked)
        self.busy_only.toggled.connect(self.board_model.set_only_busy_hosts)

        toolbar = QToolBar("Schedule")
        toolbar.setAccessibleName("Schedule tools")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for a in (
            self.solve_action,
            self.reoptimize_action,
            None,
            self.move_action,
            self.unassign_action,
            self.pin_action,
            None,
            self.save_action,
        ):
            toolbar.addSeparator() if a is None else toolbar.addAction(a)

        top = QHBoxLayout()
        top.addWidget(day_label_w)
        top.addWidget(self.day_combo)
        top.addSpacing(12)
        top.addWidget(zone_label)
        top.addWidget(self.zone_combo)
        top.addSpacing(12)
        top.addWidget(self.busy_only)
        top.addSpacing(12)
        top.addWidget(self.hand.places)
        top.addStretch(1)
        top.addWidget(toolbar)

        self.show_all = QCheckBox("Show &all officials")
        self.show_all.setAccessibleName("Show all officials, not only those below their minimum")
        self.show_all.toggled.connect(self.unassigned_model.set_show_all)
        hint = QLabel("Drag officials from here into sessions, or drop them here to unassign.")
        hint.setWordWrap(True)
        unassigned_page = QWidget()
        ul = QVBoxLayout(unassigned_page)
        ul.addWidget(hint)
        ul.addWidget(self.show_all)
        ul.addWidget(self.unassigned, 1)
        self.unassigned_detail = QLabel()
        self.unassigned_detail.setWordWrap(True)
        self.unassigned_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unassigned_detail.setAccessibleName("Why the selected official is below the minimum")
        ul.addWidget(self.unassigned_detail)

        self.side = QTabWidget()
        self.side.setAccessibleName("Schedule side panels")
        self.side.addTab(unassigned_page, "Unassigned")
        self.side.addTab(self.check_panel, "Check")
        self.side.addTab(self.person_panel, "Person")
        self.side.addTab(self.hand.page, "Suggestions")
        self._update_side_titles()

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.board)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        fh = self.fontMetrics().height()
        splitter.setSizes([fh * 60, fh * 24])
        self.splitter = splitter

        self.status = QLabel()
        self.status.setWordWrap(True)
        # two lines, fixed: a status text that changes height on every drag move would lay
        # out the whole tab again each time
        self.status.setFixedHeight(self.status.fontMetrics().lineSpacing() * 2 + 4)
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.status.setAccessibleName("Board status")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        # focus order: day, zone, filter, board, side panels
        QWidget.setTabOrder(self.day_combo, self.zone_combo)
        QWidget.setTabOrder(self.zone_combo, self.busy_only)
        QWidget.setTabOrder(self.busy_only, self.board)
        QWidget.setTabOrder(self.board, self.side)

    def _fill_selectors(self) -> None:
        doc = self.document
        self.day_combo.blockSignals(True)
        self.day_combo.clear()
        for d in doc.days:
            n = sum(1 for s in doc.schedule.sessions if doc.day_of_slot.get(s.slot) == d)
            self.day_combo.addItem(f"{day_label(d)} ({plural(n, 'session')})", d)
        self.day_combo.setCurrentIndex(max(self.day_index(self.board_model.day), 0))
        self.day_combo.blockSignals(False)
        self.zone_combo.blockSignals(True)
        self.zone_combo.clear()
        prog = doc.scenario.program.timezone
        self.zone_combo.addItem(f"Program time ({prog})", prog)
        for loc in sorted(doc.scenario.locations, key=lambda x: x.name):
            if self.zone_combo.findData(loc.timezone) < 0:
                self.zone_combo.addItem(f"{loc.name} ({loc.timezone})", loc.timezone)
        self.zone_combo.addItem("UTC", "UTC")
        self.zone_combo.setCurrentIndex(max(self.zone_combo.findData(self.board_model.display_zone), 0))
        self.zone_combo.blockSignals(False)

    def day_index(self, day: date | None) -> int:
        """Row of ``day`` in the day selector (-1 if none); findData cannot compare dates."""
        for i in range(self.day_combo.count()):
            if self.day_combo.itemData(i) == day:
                return i
        return -1

    def _day_picked(self, i: int) -> None:
        if i >= 0:
            self.board_model.set_day(self.day_combo.itemData(i))

    def _zone_picked(self, i: int) -> None:
        if i >= 0:
            self.board_model.set_display_zone(self.zone_combo.itemData(i))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not getattr(self, "_sized", False):  # first show: most of the width for the board
            self._sized = True
            w = max(self.splitter.width(), 600)
            side = min(max(int(w * 0.27), self.fontMetrics().height() * 22), int(w * 0.4))
            self.splitter.setSizes([w - side, side])

    # ------------------------------------------------------------------ state
    def _load_schedule(self) -> Schedule:
        _scenario, schedule, self.version = load_board(self.workspace, self.program_id, scenario=False)
        return schedule

    def reload(self, scenario: Scenario | None = None) -> None:
        """Read the program again (after profile edits or an import); ``scenario``: the program
        as the window holds it already (after one person's save), so it is not read again.
        Unsaved board edits are kept; otherwise the latest schedule version is loaded too."""
        if scenario is None:
            scenario = self.workspace.load_scenario(self.program_id)
        if self.has_unsaved_changes():
            self.document.set_scenario(scenario, self.document.schedule)
        else:
            schedule = self._load_schedule()
            self.document.set_scenario(scenario, schedule)
            self._saved = schedule
        self._on_schedule_changed()

    def person_changed(self, scenario: Scenario, person_id: str) -> None:
        """One person's profile was saved (``scenario``: the program with it, as the window
        holds it): the board updates what shows that person and checks the rules again.
        The schedule (edited or not) stays; nothing is read from the database."""
        self.document.update_person(scenario, person_id)

    def shutdown(self) -> None:
        """The window drops this tab (another program is opened): stop timers and detach the
        schedule commands left on the shared undo stack, so undoing them later does nothing."""
        self.document.closed = True
        self.check_panel._timer.stop()
        self.board_model.set_preview(None)

    def has_unsaved_changes(self) -> bool:
        return self.document.schedule is not self._saved

    def _on_schedule_changed(self) -> None:
        dirty = self.has_unsaved_changes()
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
        self._update_side_titles()
        self._update_actions()
        doc = self.document
        for i in range(self.day_combo.count()):
            d = self.day_combo.itemData(i)
            n = sum(1 for s in doc.schedule.sessions if doc.day_of_slot.get(s.slot) == d)
            self.day_combo.setItemText(i, f"{day_label(d)} ({plural(n, 'session')})")

    def _update_side_titles(self) -> None:
        doc = self.document
        below = sum(1 for o in doc.scenario.officials if doc.session_count(o.id) < doc.min_sessions(o.id))
        self.side.setTabText(0, f"Unassigned ({below})")
        n = len(doc.report.violations)
        self.side.setTabText(1, "Check ✔" if n == 0 else f"Check ({n} problem{'s' if n != 1 else ''})")

    def _show_unassigned_detail(self, index: QModelIndex) -> None:
        text = index.data(Qt.ItemDataRole.ToolTipRole) if index.isValid() else ""
        self.unassigned_detail.setText(text or "")

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setToolTip(text)
        self.status_changed.emit(text)

    def save(self) -> Operation[int] | None:
        """Store the current schedule as a new version (source ``edit``) in the background;
        the operation (its value is the version's number), or None when there was nothing
        to save."""
        doc = self.document
        if not self.has_unsaved_changes() or (self.save_op is not None and self.save_op.is_running()):
            return None
        schedule = doc.schedule
        old = {u.official: u for u in schedule.unmatched}
        unmatched = []
        for o in doc.scenario.officials:
            n, low = doc.session_count(o.id), doc.min_sessions(o.id)
            if n < low:
                prev = old.get(o.id)
                unmatched.append(
                    Unmatched(
                        official=o.id,
                        sessions=n,
                        min_sessions=low,
                        reason=prev.reason if prev and prev.reason else "below the minimum after staff edits",
                    )
                )
        stored = Schedule(
            sessions=schedule.sessions,
            unmatched=unmatched,
            solver=schedule.solver,
            program=schedule.program or doc.scenario.program.name,
        )
        ws, pid, base = self.workspace, self.program_id, self.version
        merged: list[tuple[Schedule, str]] = []  # (as stored, whose versions) when merged

        def store(_ctx: object) -> int:  # a colleague's version saved meanwhile is merged, or refused
            number = ws.save_schedule(pid, stored, "edit", base_version=base)
            if base is not None and number > base + 1:
                theirs = [v for v in ws.schedule_versions(pid) if base < v.number < number]
                who = ", ".join(f"version {v.number} by {v.created_by}" for v in theirs)
                merged.append((ws.load_schedule(pid, number), who))
            return number

        def saved(number: int) -> None:
            self.version = number
            if merged:  # the board shows what is stored; undo takes the colleague's changes out again
                self._push(commands.replace_schedule(doc, merged[0][0], f"Take in {merged[0][1]}"))
            self._saved = doc.schedule if merged else schedule
            self._on_schedule_changed()
            report = doc.report
            self._set_status(
                f"Saved schedule version {number}"
                + (f", with {merged[0][1]} saved meanwhile" if merged else "")
                + ("" if report.ok else f" ({len(report.violations)} rule problems remain)")
            )

        def failed(exc: BaseException) -> None:  # the edits stay on the board, unsaved
            self._set_status(f"Schedule not saved: {error_text(exc)}")
            show_error(self, "Schedule not saved", exc)

        self.save_action.setEnabled(False)
        self._set_status("Saving the schedule…")
        self.save_op = (
            op(self, "Save schedule", store)
            .success(saved)
            .failure(failed)
            .finally_(self._update_actions)
            .with_progress("Saving the schedule…")
            .run_in_background()
        )
        return self.save_op

    # ------------------------------------------------------------------ selection
    def current_session(self) -> str | None:
        return self.board_model.session_at(self.board.currentIndex())

    def current_official(self) -> tuple[str | None, str | None]:
        """(official, session) the keyboard actions act on: the unassigned list's current row
        when it has focus, else the official picked in the board's current card."""
        if self.unassigned.hasFocus() and self.unassigned.current_official():
            return self.unassigned.current_official(), None
        sid = self.current_session()
        if sid is not None and self.board.current_official in self.document.sessions[sid].officials:
            return self.board.current_official, sid
        if self.unassigned.current_official() and sid is None:
            return self.unassigned.current_official(), None
        return None, sid

    def select_session(self, session_id: str) -> bool:
        """Show ``session_id`` on the board (switching day) and select it."""
        doc = self.document
        s = doc.sessions.get(session_id)
        if s is None or s.slot not in doc.day_of_slot or s.host not in doc.hosts:
            self._set_status(f"Session {session_id} is not on the board: its host or slot no longer exists.")
            return False
        day = doc.day_of_slot[s.slot]
        i = self.day_index(day)
        if i >= 0 and i != self.day_combo.currentIndex():
            self.day_combo.setCurrentIndex(i)
        index = self.board_model.index_of_session(session_id)
        if not index.isValid() and self.busy_only.isChecked():
            self.busy_only.setChecked(False)
            index = self.board_model.index_of_session(session_id)
        if not index.isValid():
            return False
        self.board.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.board.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self._set_status(doc.session_description(session_id))
        return True

    def _update_actions(self) -> None:
        official, session = self.current_official()
        self.move_action.setEnabled(official is not None)
        self.unassign_action.setEnabled(official is not None and session is not None)
        self.pin_action.setEnabled(official is not None and session is not None)
        self.pin_session_action.setEnabled(session is not None)
        self.move_session_action.setEnabled(session is not None)
        self.itinerary_action.setEnabled(official is not None or session is not None)
        self.save_action.setEnabled(self.has_unsaved_changes())
        if official is not None and session is not None:
            pinned = official in self.document.sessions[session].pinned
            self.pin_action.setText("Un&pin official" if pinned else "&Pin official")
        else:
            self.pin_action.setText("&Pin / unpin official")

    # ------------------------------------------------------------------ edits (keyboard/menu)
    def _push(self, cmd: QUndoCommand) -> None:
        self.undo_stack.push(cmd)
        self._set_status(cmd.text())

    def move_official_dialog(self) -> None:
        official, source = self.current_official()
        if official is None:
            return
        doc = self.document
        choices = []
        if source is not None:
            choices.append(
                Choice(
                    None,
                    "Unassigned list (take out of this session)",
                    reasons_text(doc.why_not_unassign(official, source)),
                )
            )
        ordered = sorted(
            doc.schedule.sessions, key=lambda s: (doc.slot_order.get(s.slot, 0), doc.person_name(s.host))
        )
        for s in ordered:
            if s.id == source or official in s.officials:
                continue
            label = (
                f"{doc.session_title(s.id)} · {s.language.upper()} · "
                f"{len(s.officials)} official{'s' if len(s.officials) != 1 else ''}"
            )
            choices.append(
                Choice(s.id, label, reasons_text(doc.why_not_join(official, s.id, leaving=source)))
            )
        c = TargetPicker.ask(self, "Move to session", f"Move {doc.official_label(official)} to:", choices)
        if c is None:
            return
        if c.key is None:
            self._push(commands.move_official(doc, official, source, None, c.reasons))
        else:
            assert isinstance(c.key, str)  # a session id
            self._push(commands.move_official(doc, official, source, c.key, c.reasons))
            self.select_session(c.key)

    def move_session_dialog(self) -> None:
        sid = self.current_session()
        if sid is None:
            return
        doc = self.document
        s = doc.sessions[sid]
        choices = [
            Choice(slot, doc.slot_label(slot), reasons_text(doc.why_not_move(sid, slot)))
            for slot in sorted(doc.slots, key=doc.slot_order.__getitem__)
            if slot != s.slot
        ]
        c = TargetPicker.ask(self, "Move session to slot", f"Move {doc.session_title(sid)} to:", choices)
        if c is not None:
            assert isinstance(c.key, str)  # a slot id
            self._push(commands.move_session(doc, sid, c.key, c.reasons))
            self.select_session(sid)

    def unassign_current(self) -> None:
        official, session = self.current_official()
        if official is None or session is None:
            return
        doc = self.document
        why = reasons_text(doc.why_not_unassign(official, session))
        if why:
            from ui.board.picker import confirm_rule_break

            if not confirm_rule_break(self, f"Unassign {doc.person_name(official)}", why):
                self._set_status(f"Not unassigned: {why}")
                return
        self._push(commands.move_official(doc, official, session, None, why))

    def toggle_pin_official(self) -> None:
        official, session = self.current_official()
        if official is None or session is None:
            return
        pinned = official in self.document.sessions[session].pinned
        self._push_pins(session, [official], not pinned)

    def toggle_pin_session(self) -> None:
        sid = self.current_session()
        if sid is None:
            return
        s = self.document.sessions[sid]
        if not s.officials:
            return
        all_pinned = set(s.officials) <= set(s.pinned)
        self._push_pins(sid, list(s.officials), not all_pinned)

    def _push_pins(self, session: str, officials: list[str], pinned: bool) -> None:
        """Pin or unpin; a pin that no schedule can keep is refused as the schedule import
        refuses it (issue 14), with both records named on the status line."""
        doc = self.document
        cmd = commands.set_pinned(doc, session, officials, pinned)
        if pinned:
            new = new_pin_contradictions(
                doc.scenario,
                doc.schedule.sessions,
                cmd.after.sessions,
                lambda i, s: f"{doc.session_title(s.id)} ({s.id})",
            )
            if new:
                self._set_status("Not pinned: " + "; ".join(f"{p.record}: {p.message}" for p in new[:3]))
                return
        self._push(cmd)

    def show_itinerary(self) -> None:
        official, session = self.current_official()
        person = official or (self.document.sessions[session].host if session else None)
        if person and self.person_panel.show_person(person):
            self.side.setCurrentWidget(self.person_panel)

    def build_menu(self, index: QModelIndex, official: str | None) -> QMenu | None:
        """The context menu for a board cell (None for an empty cell)."""
        self._update_actions()
        sid = self.board_model.session_at(index)
        if sid is None:
            if not index.isValid():
                return None
            menu = QMenu(self)
            self.hand.add_to_menu(menu, None, None)
            return menu
        doc = self.document
        menu = QMenu(self)
        if official is not None:
            head = menu.addAction(doc.official_label(official))
            head.setEnabled(False)
            for a in (self.move_action, self.unassign_action, self.pin_action, self.itinerary_action):
                menu.addAction(a)
            menu.addSeparator()
        head = menu.addAction(doc.session_title(sid))
        head.setEnabled(False)
        for a in (self.move_session_action, self.pin_session_action):
            menu.addAction(a)
        menu.addSeparator()
        self.hand.add_to_menu(menu, sid, official)
        return menu

    def _show_menu(self, index: QModelIndex, official: str | None, global_pos: QPoint) -> None:
        menu = self.build_menu(index, official)
        if menu is not None:
            menu.exec(global_pos)
            menu.deleteLater()

    # ------------------------------------------------------------------ solving
    def solve(self) -> None:
        """Solve the whole program; the schedule staff keep is stored as a version (source ``solve``)."""
        doc = self.document
        outcome = SolveDialog.ask(self, doc.scenario, None, None, "Solve")  # last settings used
        if outcome is None:
            return
        self._push(commands.replace_schedule(doc, outcome.schedule, "Solve the whole program"))
        schedule, ws, pid = doc.schedule, self.workspace, self.program_id

        def saved(number: int) -> None:
            self.version = number
            self._saved = schedule
            self._on_schedule_changed()
            self._set_status(f"Solved and saved as version {number}")

        def failed(exc: BaseException) -> None:
            self._on_schedule_changed()
            self._set_status(f"Solved, but not saved: {error_text(exc)}")
            show_error(self, "Schedule not saved", exc)

        self.save_op = (
            op(self, "Save schedule", lambda _ctx: ws.save_schedule(pid, outcome.schedule, "solve"))
            .success(saved)
            .failure(failed)
            .with_progress("Saving the new schedule…")
            .run_in_background()
        )

    def reoptimize(self) -> None:
        """Minimal-change solve around the pins; shows what moved; accept = one undoable step."""
        doc = self.document
        current = doc.schedule
        outcome = SolveDialog.ask(
            self,
            doc.scenario,
            SolveOptions(time_limit=REOPTIMIZE_SECONDS, keep_previous=True),
            current,
            "Re-optimize around pins",
            autostart=True,
        )
        if outcome is None:
            self._set_status("Re-optimize discarded")
            return
        self.offer_reoptimized(current, outcome)

    def offer_reoptimized(self, current: Schedule, outcome: SolveOutcome) -> bool:
        doc = self.document
        if doc.schedule is not current:
            self._set_status("The schedule changed while solving; re-optimize discarded")
            return False
        schedule = carry_pins(current, outcome.schedule)  # keep the staff's pin marks on the board
        diff = diff_schedules(current, schedule)
        new_sessions = schedule.sessions_by_id()
        at = {(s.host, s.slot): s.officials for s in schedule.sessions}
        pins = [(s.host, s.slot, o) for s in current.sessions for o in s.pinned]
        kept = sum(1 for h, sl, o in pins if o in at.get((h, sl), ()))
        summary = f"{kept} of {plural(len(pins), 'pinned place')} kept."
        conflicts = list(getattr(outcome, "pin_conflicts", ()) or ())
        broken = broken_pins(current, schedule)
        if broken:  # staff decide, with the reason in names, before anything changes
            names = Names(doc.scenario)
            lines = [names.meeting(o, h, sl) for o, h, sl in broken]
            if not ask_broken_pins(self, lines, conflicts):
                self._set_status("Re-optimize discarded: it did not keep every pin")
                return False
            summary += " Pins not kept: " + "; ".join(lines)
        elif conflicts:
            summary += " Pins that could not be kept: " + "; ".join(conflicts)
        if not ChangesDialog.ask(self, doc, diff, new_sessions, summary):
            self._set_status("Re-optimize discarded")
            return False
        keep = kept_pins(current, schedule)
        moved = sum(1 for m in diff.officials if m.official not in keep)
        self._push(
            commands.replace_schedule(
                doc,
                schedule,
                f"Re-optimize around pins ({plural(moved, 'official')} moved, "
                f"{plural(len(diff.added), 'session')} added, {number(len(diff.removed))} removed)",
            )
        )
        return True
