"""The main window: menus, the Officials / Hosts / Interpreters / Topics & Sites / Schedule
tabs, and a status bar with what matters (counts, schedule version and saved state, last
solve). Every profile and settings edit goes through the shared ``undo_stack``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from exchange_app.domain import Host, Official, Person, PersonKind, Scenario, Schedule
from exchange_app.errors import ConflictError, ExchangeError, InputError
from exchange_app.naming import number, plural
from exchange_app.services import Revision, Workspace, import_file
from exchange_app.services.workspace import (
    ImportResult,
    ProgramInfo,
    ReadFile,
    VersionInfo,
    import_read_file,
    open_locked,
    read_import_file,
)
from ui.dialogs.export import EXPORT_KINDS, ask_target, export_operation
from ui.dialogs.import_report import ImportReport, ImportReportDialog
from ui.dialogs.settings import ProgramSettingsDialog
from ui.operations import OpContext, Operation, error_text, op, show_error, wait_all
from ui.profiles.commands import ImportPeopleCommand, ProgramSettingsCommand
from ui.profiles.tab import PeopleTab
from ui.style import THEMES, apply_theme
from ui.topics_sites import TopicsSitesTab

if TYPE_CHECKING:
    from collections.abc import Callable

    from ui.board.schedule_tab import LoadedSchedule

ORG_NAME = "Exchange Scheduler"
APP_NAME = "Exchange Scheduler"
RECENT_KEY = "recent_databases"
MAX_RECENT = 8
# Tab titles carry no mnemonics (the visible tab's controls need the letters; the menus use
# F E V S H); View > Go to and Ctrl+1..5 switch tabs from the keyboard.
TAB_TITLES = {
    PersonKind.OFFICIAL: "Officials",
    PersonKind.HOST: "Hosts",
    PersonKind.INTERPRETER: "Interpreters",
}
GO_TO = ("&Officials", "&Hosts", "&Interpreters", "To&pics && Sites", "S&chedule")


# --------------------------------------------------------------------------- recent files


def recent_databases(settings: QSettings | None = None) -> list[str]:
    settings = settings or QSettings()
    value = settings.value(RECENT_KEY, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):  # nothing remembered yet (None)
        return []
    return [str(v) for v in value]


def remember_database(url_or_path: str, settings: QSettings | None = None) -> None:
    settings = settings or QSettings()
    items = [x for x in recent_databases(settings) if x != url_or_path]
    settings.setValue(RECENT_KEY, [url_or_path, *items][:MAX_RECENT])


def forget_database(url_or_path: str, settings: QSettings | None = None) -> None:
    settings = settings or QSettings()
    settings.setValue(RECENT_KEY, [x for x in recent_databases(settings) if x != url_or_path])


# --------------------------------------------------------------------------- opening


def open_database(db: str | None) -> tuple[Workspace, Any]:
    """Lock and open a database: returns (workspace, lock). Raises LockedError when another
    app holds it (the lock is a no-op for PostgreSQL URLs)."""
    return open_locked(db)


def open_database_or_explain(
    parent: QWidget | None, db: str | None, severe: bool = False
) -> tuple[Workspace, Any] | None:
    """``open_database``, telling staff why it failed (who holds it, or what is wrong) in a
    message box; returns (workspace, lock), or None after the message."""
    from exchange_app.errors import LockedError

    show = QMessageBox.critical if severe else QMessageBox.warning
    try:
        return open_database(db)
    except LockedError as e:
        show(parent, "Database in use", str(e))
    except ExchangeError as e:
        show(parent, "Cannot open database", str(e))
    return None


class ProgramChooser(QDialog):
    """Pick one of the database's programs."""

    def __init__(self, programs: list[ProgramInfo], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Choose a program")
        self.list = QListWidget()
        self.list.setAccessibleName("Programs")
        for p in programs:
            item = QListWidgetItem(
                f"{p.name}\n    {p.officials} officials · {p.hosts} hosts · "
                f"{p.interpreters} interpreters · {p.versions} schedule versions"
            )
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            self.list.addItem(item)
        self.list.setSpacing(3)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _i: self.accept())
        label = QLabel("This database holds several programs. &Open:")
        label.setBuddy(self.list)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(520, 320)

    @classmethod
    def ask(cls, parent: QWidget | None, programs: list[ProgramInfo]) -> int | None:
        dlg = cls(programs, parent)
        try:
            if dlg.exec() != QDialog.DialogCode.Accepted or dlg.list.currentItem() is None:
                return None
            program_id: int = dlg.list.currentItem().data(Qt.ItemDataRole.UserRole)
            return program_id
        finally:
            dlg.deleteLater()


def pick_program(parent: QWidget | None, ws: Workspace) -> int | None:
    """The program to show: the only one, or the staff's choice among several; None if none."""
    programs = ws.programs()
    if not programs:
        return None
    if len(programs) == 1:
        return programs[0].id
    return ProgramChooser.ask(parent, programs)


# --------------------------------------------------------------------------- window


def _counted(person: Person | None) -> object:
    """What the Topics & Sites tab counts of a person (None: they count nowhere)."""
    if isinstance(person, Official):
        return person.interests
    if isinstance(person, Host):
        return person.expertise, person.location, person.virtual
    return None


# the solver's status, as the status bar says it
_SOLVE_STATUS = {
    "optimal": "proven best",
    "feasible": "valid, not proven best",
    "heuristic": "valid (quick construction)",
}


class MainWindow(QMainWindow):
    """The app's window over one program of one database (``program_id`` None: the database
    holds no program yet and the window invites "Import scenario…")."""

    program_changed = Signal(int)

    def __init__(
        self, workspace: Workspace, program_id: int | None, parent: QWidget | None = None, *, lock: Any = None
    ):
        super().__init__(parent)
        self.ws: Workspace | None = workspace  # None once closeEvent released the database
        self.program_id = program_id
        self.lock = lock
        self.undo_stack = QUndoStack(self)
        self.scenario: Scenario | None = None
        self.revisions: dict[tuple[PersonKind, str], Revision] = {}
        self.program_revision: int | None = None
        self.demo = False  # the bundled demo program (shown in the title)
        self.people_tabs: dict[PersonKind, PeopleTab] = {}
        self.topics_tab: TopicsSitesTab | None = None
        self.schedule_tab: Any = None  # the board (ui.board.schedule_tab.ScheduleTab), once built
        self.schedule_load_op: Operation[LoadedSchedule] | None = None
        self.schedule_page: QWidget | None = None
        self._schedule_pending: int | None = None
        self.schedule_actions: list[QAction] = []
        self.export_op: Operation[str] | None = None
        self.last_import: ImportReport | None = None
        self._versions: tuple[int, list[VersionInfo]] | None = (
            None  # (program, its versions) for the status bar
        )
        self._versions_op: Operation[list[VersionInfo]] | None = None
        self._versions_stale = False
        self.last_export: tuple[bool, str] | None = None  # (ok, summary or error) of the last export
        self.publish_op: Operation[str] | None = None  # a CalDAV publish or an email send
        self.setWindowTitle(APP_NAME)
        self.setAccessibleName("Exchange Scheduler main window")

        self.pages = QStackedWidget()
        self.setCentralWidget(self.pages)
        self.empty_page = self._build_empty_page()
        self.pages.addWidget(self.empty_page)
        self.tabs: QTabWidget | None = None

        self._build_status_bar()
        self._build_menus()
        self.undo_stack.cleanChanged.connect(lambda _clean: self._update_status())
        self.resize(1280, 820)
        self._show_program(program_id)

    # ------------------------------------------------------------------ building
    def _build_empty_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        title = QLabel("This database holds no program yet")
        title.setObjectName("emptyTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel("Create a new program, or import a scenario file (exchange-scenario/1 JSON).")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        self.empty_import_button = QPushButton("&Import scenario…")
        self.empty_import_button.setAccessibleName("Import scenario")
        self.empty_import_button.clicked.connect(self.import_file_dialog)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addWidget(self.empty_import_button, 0, Qt.AlignmentFlag.AlignCenter)
        self.empty_new_button = QPushButton("&New program…")
        self.empty_new_button.setAccessibleName("New program")
        self.empty_new_button.clicked.connect(self.new_program)
        layout.addWidget(self.empty_new_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)
        return page

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.program_label = QLabel()
        self.counts_label = QLabel()
        self.schedule_label = QLabel()
        self.solve_label = QLabel()
        for w, name in (
            (self.program_label, "Program"),
            (self.counts_label, "Counts"),
            (self.schedule_label, "Schedule version"),
            (self.solve_label, "Last solve"),
        ):
            w.setAccessibleName(name)
            bar.addPermanentWidget(w)
        self.program_label.setObjectName("statusProgram")

    def _action(
        self,
        text: str,
        slot: Callable[..., object],  # connected to triggered(checked)
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        name: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        action.setObjectName(name or text.replace("&", "").replace("…", "").strip().lower().replace(" ", "_"))
        return action

    def _build_menus(self) -> None:
        menubar = self.menuBar()
        K = QKeySequence.StandardKey
        # File
        file_menu = menubar.addMenu("&File")
        self.new_db_action = self._action("&New database…", self.new_database, K.New)
        self.open_db_action = self._action("&Open database…", self.open_database_dialog, K.Open)
        self.new_program_action = self._action("New &program…", self.new_program, name="new_program")
        file_menu.addAction(self.new_program_action)
        file_menu.addAction(self.new_db_action)
        file_menu.addAction(self.open_db_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        self.import_action = self._action(
            "&Import scenario or schedule…", self.import_file_dialog, "Ctrl+I", name="import"
        )
        file_menu.addAction(self.import_action)
        self.import_sheet_action = self._action(
            "Import &people from spreadsheet…", self.import_sheet_dialog, name="import_people"
        )
        file_menu.addAction(self.import_sheet_action)
        self.registration_menu = None
        from ui.dialogs import registration as registration_dialogs

        self.registration_menu = registration_dialogs.add_menu(self, file_menu)
        self.export_menu = file_menu.addMenu("&Export")
        self.export_actions: dict[str, QAction] = {}
        for kind in EXPORT_KINDS:
            action = self._action(
                kind.label, lambda _checked=False, k=kind.key: self.export(k), name=f"export_{kind.key}"
            )
            self.export_menu.addAction(action)
            self.export_actions[kind.key] = action
        self.publish_action = self._action(
            "&Publish calendars to CalDAV…", self.publish_caldav, name="publish_caldav"
        )
        self.send_action = self._action(
            "Send &invitations by email…", self.send_invitations, name="send_invitations"
        )
        self.export_menu.addSeparator()
        self.export_menu.addAction(self.publish_action)
        self.export_menu.addAction(self.send_action)
        self.backups_action = self._action("&Backups…", self.backups_dialog, name="backups")
        file_menu.addAction(self.backups_action)
        file_menu.addSeparator()
        self.quit_action = self._action("&Quit", self.close, name="quit")
        # the platform's Quit keys; some platforms define none, then the common Ctrl+Q
        self.quit_action.setShortcuts(QKeySequence.keyBindings(K.Quit) or [QKeySequence("Ctrl+Q")])
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(self.quit_action)
        # Edit
        edit_menu = menubar.addMenu("&Edit")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence(K.Undo))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence(K.Redo))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.find_action = self._action("&Find…", self.focus_search, K.Find, name="find")
        edit_menu.addAction(self.find_action)
        edit_menu.addSeparator()
        self.settings_action = self._action(
            "Program &settings…", self.edit_program_settings, name="program_settings"
        )
        self.settings_action.setMenuRole(QAction.MenuRole.NoRole)
        edit_menu.addAction(self.settings_action)
        self.switch_program_action = self._action(
            "S&witch program…", self.switch_program, name="switch_program"
        )
        edit_menu.addAction(self.switch_program_action)
        # View
        view_menu = menubar.addMenu("&View")
        theme_menu = view_menu.addMenu("&Theme")
        self.theme_group = QActionGroup(self)
        current = str(QSettings().value("theme", "system"))
        self.theme_actions: dict[str, QAction] = {}
        for theme, label in zip(THEMES, ("Follow &system", "&Light", "&Dark"), strict=False):
            action = QAction(label, self, checkable=True)
            action.setChecked(theme == current)
            action.triggered.connect(lambda _c=False, t=theme: self.set_theme(t))
            self.theme_group.addAction(action)
            theme_menu.addAction(action)
            self.theme_actions[theme] = action
        view_menu.addSeparator()
        self.go_to_actions: list[QAction] = []
        for i, label in enumerate(GO_TO):
            action = self._action(
                label, lambda _c=False, n=i: self.go_to_tab(n), f"Ctrl+{i + 1}", name=f"go_to_{i + 1}"
            )
            view_menu.addAction(action)
            self.go_to_actions.append(action)
        # Schedule (the board's actions, when the board is there)
        self.schedule_menu = menubar.addMenu("&Schedule")
        self.schedule_menu.menuAction().setVisible(False)
        # Help
        help_menu = menubar.addMenu("&Help")
        self.guide_action = self._action(
            "&User guide", self.show_guide, QKeySequence.StandardKey.HelpContents, name="guide"
        )
        help_menu.addAction(self.guide_action)
        self.about_action = self._action("&About Exchange Scheduler", self.about, name="about")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(self.about_action)

    # ------------------------------------------------------------------ program
    def _show_program(self, program_id: int | None) -> None:
        """Build the tabs for ``program_id`` (None: the empty page)."""
        assert self.ws is not None, "a closed window shows no program"
        wait_all()  # a save or load still running reports to the tabs that are about to go
        self.undo_stack.clear()
        if self.tabs is not None:
            self._dispose_schedule_tab()
            self.pages.removeWidget(self.tabs)
            self.tabs.deleteLater()
            self.tabs = None
        self.people_tabs = {}
        self.topics_tab = None
        self.program_id = program_id
        has_program = program_id is not None
        for action in (
            self.import_sheet_action,
            self.settings_action,
            *self.export_actions.values(),
            *self.go_to_actions,
        ):
            if action is not None:
                action.setEnabled(has_program)
        self.switch_program_action.setEnabled(len(self.ws.programs()) > 1)
        if program_id is None:
            self.scenario = None
            self.pages.setCurrentWidget(self.empty_page)
            self._update_status()
            self._update_title()
            return
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Program views")
        self.tabs.setDocumentMode(True)
        for kind in PersonKind:
            tab = PeopleTab(kind, self.ws, program_id, self.undo_stack, self._data_changed)
            tab.status_message.connect(lambda text: self.statusBar().showMessage(text, 4000))
            self.people_tabs[kind] = tab
            self.tabs.addTab(tab, TAB_TITLES[kind])
        self.topics_tab = TopicsSitesTab()
        self.topics_tab.bind(self.ws, program_id, self.undo_stack, self._data_changed, self._command_failed)
        self.topics_tab.board_schedule = self._board_schedule
        self.tabs.addTab(self.topics_tab, "Topics && Sites")
        # the board is built right after the window shows (or when its tab is opened first)
        self.schedule_page = QWidget()
        self.schedule_page.setAccessibleName("Schedule")
        page_layout = QVBoxLayout(self.schedule_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        self.schedule_tab = None
        self._schedule_pending = program_id
        self.tabs.addTab(self.schedule_page, "Schedule")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.pages.addWidget(self.tabs)
        self.pages.setCurrentWidget(self.tabs)
        self.reload()
        QTimer.singleShot(100, self, self.ensure_schedule_tab)  # a real timer: the window paints first
        self.program_changed.emit(program_id)

    def _tab_changed(self, index: int) -> None:
        if self.tabs is not None and self.tabs.widget(index) is self.schedule_page:
            self.ensure_schedule_tab()

    def ensure_schedule_tab(self) -> Operation[LoadedSchedule] | None:
        """Build the schedule board for the current program if not done yet: the program and
        its latest schedule are read in the background, the board is built when they arrive
        (``schedule_tab`` is then set). Returns the operation, or None when nothing is to do."""
        pid = self._schedule_pending
        if pid is None or pid != self.program_id or self.tabs is None or self.ws is None:
            return None
        self._schedule_pending = None
        from ui.board.schedule_tab import load_board

        ws = self.ws
        loading = QLabel("Loading the schedule…")
        loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._schedule_page_layout().addWidget(loading)

        def build(loaded: object) -> None:
            loading.deleteLater()
            if self.program_id != pid or self.tabs is None or self.ws is not ws:
                return  # another program or database was opened meanwhile
            widget = self._build_schedule_tab(pid, loaded)
            self._schedule_page_layout().addWidget(widget)
            widget.show()
            self.schedule_tab = widget
            self._update_status()

        def failed(exc: BaseException) -> None:
            loading.setText(f"The schedule could not be loaded: {error_text(exc)}")
            show_error(self, "Loading the schedule failed", exc)

        self.schedule_load_op = (
            op(self, "Load schedule", lambda _ctx: load_board(ws, pid)).success(build).failure(failed)
        ).run_in_background()
        return self.schedule_load_op

    def _schedule_page_layout(self) -> QLayout:
        layout = self.schedule_page.layout() if self.schedule_page is not None else None
        assert layout is not None, "_show_program gives the Schedule page its layout"
        return layout

    def _build_schedule_tab(self, program_id: int, loaded: Any) -> QWidget:
        from ui.board.schedule_tab import ScheduleTab

        assert self.ws is not None, "built only while the database is open"

        self.schedule_actions = []
        self.schedule_menu.clear()
        self.schedule_menu.menuAction().setVisible(False)
        tab = ScheduleTab(self.ws, program_id, self.undo_stack, self.schedule_page, loaded=loaded)
        tab.status_changed.connect(self._schedule_status)
        tab.dirty_changed.connect(lambda _dirty: self._update_status())
        self.schedule_actions = list(tab.actions_for_menu())
        for action in self.schedule_actions:
            self.schedule_menu.addAction(action)
        self.schedule_menu.menuAction().setVisible(bool(self.schedule_actions))
        return tab

    def _dispose_schedule_tab(self) -> None:
        tab = self.schedule_tab
        self.schedule_tab = None
        self._schedule_pending = None
        if tab is not None:
            tab.shutdown()
        self.schedule_menu.clear()
        self.schedule_actions = []

    def reload(self) -> None:
        """Re-read the program from the database into every tab."""
        if self.program_id is None or self.ws is None:
            return
        self.scenario = self.ws.load_scenario(self.program_id)
        self.revisions = self.ws.person_revisions(self.program_id)
        self.program_revision = self.ws.program_revision(self.program_id).revision
        for tab in self.people_tabs.values():
            tab.set_data(self.scenario, self.revisions)
        if self.topics_tab is not None:
            self.topics_tab.set_data(self.scenario)
        self._refresh_versions()
        self._update_status()
        self._update_title()

    def _data_changed(self, kind: PersonKind | None, person_id: str | None) -> None:
        """A command changed the stored program: show the new state everywhere (after one
        person's save or delete, only what depends on that person is read and rebuilt)."""
        tab = self.schedule_tab
        if kind is not None and person_id is not None and self.scenario is not None:
            if self._person_changed(kind, person_id):
                if tab is not None:  # they came or went, with their pins: the board reads anew
                    tab.reload(self.scenario)
            elif tab is not None:  # only their profile: the board updates what shows them
                tab.person_changed(self.scenario, person_id)
            return
        self.reload()
        if tab is not None:  # the board keeps its unsaved edits and re-checks them
            tab.reload()

    def _person_changed(self, kind: PersonKind, person_id: str) -> bool:
        """Read one person (and, when they came or went, the pins and forbidden pairs) and
        show them: their table row, the other tabs' view of the program, the counts.
        Returns whether they came or went (a delete or its undo), not only changed."""
        assert self.ws is not None and self.program_id is not None and self.scenario is not None
        sc = self.scenario
        field_name = f"{kind.value}s"
        stored = self.ws.person(self.program_id, kind, person_id)
        people: list[Person] = list(getattr(sc, field_name))
        at = next((i for i, p in enumerate(people) if p.id == person_id), None)
        revisions = dict(self.revisions)
        if stored is None:
            revisions.pop((kind, person_id), None)
            if at is not None:
                del people[at]
        else:
            person, revisions[(kind, person_id)] = stored
            if at is None:
                people.append(person)  # stored last (load_scenario's order)
            else:
                people[at] = person
        came_or_went = (stored is None) != (at is None)
        old = None if at is None else getattr(sc, field_name)[at]
        new = None if stored is None else stored[0]
        changes: dict[str, Any] = {field_name: people}
        if came_or_went:  # a delete (or its undo) takes (or puts back) their pins too
            pins, forbidden = self.ws.pins_and_forbidden(self.program_id)
            changes |= {"pins": pins, "forbidden": forbidden}
        self.scenario = dataclasses.replace(sc, **changes)
        self.revisions = revisions
        for tab in self.people_tabs.values():
            tab.update_person(self.scenario, self.revisions, kind, person_id)
        # the Topics & Sites counts are of officials' interests and hosts' expertise and sites
        if self.topics_tab is not None and (came_or_went or _counted(old) != _counted(new)):
            self.topics_tab.set_data(self.scenario)
        self._update_status()
        self._update_title()
        return came_or_went

    def _board_schedule(self) -> Schedule | None:
        """The board's schedule when it has edits not saved yet (else None)."""
        tab = self.schedule_tab
        return tab.document.schedule if tab is not None and tab.has_unsaved_changes() else None

    def _schedule_dirty(self) -> bool:
        tab = self.schedule_tab
        return bool(tab is not None and tab.has_unsaved_changes())

    # ------------------------------------------------------------------ status
    def _update_title(self) -> None:
        if self.ws is None:  # closed
            return
        name = self.scenario.program.name if self.scenario else "no program"
        where = str(self.ws.path) if self.ws.path else self.ws.url
        demo = " (demo)" if self.demo else ""
        self.setWindowTitle(f"{name}{demo} — {Path(where).name if self.ws.path else where} — {APP_NAME}")

    def _update_status(self) -> None:
        if self.ws is None:  # closed
            return
        if self.scenario is None or self.program_id is None:
            self.program_label.setText("No program")
            for w in (self.counts_label, self.schedule_label, self.solve_label):
                w.clear()
            return
        sc = self.scenario
        self.program_label.setText(sc.program.name)
        self.counts_label.setText(
            f"{plural(len(sc.officials), 'official')} · {plural(len(sc.hosts), 'host')} · "
            f"{plural(len(sc.interpreters), 'interpreter')}"
        )
        if self._versions is None or self._versions[0] != self.program_id:
            self.schedule_label.setText("Reading schedule versions…")
            self._refresh_versions()
            return
        versions = self._versions[1]
        if not versions:
            text = "No schedule yet"
        else:
            latest = max(versions, key=lambda v: v.number)
            text = f"Schedule v{latest.number} ({latest.source})"
            self.schedule_label.setToolTip(
                f"Version {latest.number}: {latest.sessions} sessions, {latest.source} by "
                f"{latest.created_by} at {latest.created_at.astimezone():%a %d %b %H:%M}"
                + (f"\n{latest.note}" if latest.note else "")
            )
        text += " · unsaved changes" if self._schedule_dirty() else (" · saved" if versions else "")
        self.schedule_label.setText(text)
        solved = [v for v in versions if v.solver is not None]
        if solved:
            last = max(solved, key=lambda v: v.number)
            s = last.solver
            assert s is not None  # ``solved`` holds the versions with solver info
            # staff words on the bar; the solver's raw score and bound in the tooltip
            status = _SOLVE_STATUS.get(s.status, s.status)
            took = f", {s.seconds:.1f} s" if s.seconds is not None else ""
            self.solve_label.setText(f"Last solve v{last.number}: {status}{took}")
            raw = ", ".join(
                f"{k} {number(round(x))}"
                for k, x in (("score", s.objective), ("bound", s.bound))
                if x is not None
            )
            self.solve_label.setToolTip(
                "\n".join(x for x in (last.note, f"Solver {s.status}: {raw}" if raw else "") if x)
            )
        else:
            self.solve_label.setText("Not solved yet")

    def _refresh_versions(self) -> None:
        """Read the schedule versions for the status bar in the background (one query per
        change, never per status update on the UI thread); the bar updates when they arrive."""
        if self.ws is None or self.program_id is None:
            return
        if self._versions_op is not None and self._versions_op.is_running():
            self._versions_stale = True
            return
        ws, pid = self.ws, self.program_id
        self._versions_stale = False

        def arrived(versions: list[VersionInfo]) -> None:
            if self.ws is ws and self.program_id == pid:
                self._versions = (pid, versions)
                self._update_status()
            if self._versions_stale:
                self._refresh_versions()

        def failed(exc: BaseException) -> None:
            if self.ws is ws and self.program_id == pid:  # else: another database or program by now
                show_error(self, "Reading the schedule versions failed", exc)

        self._versions_op = (
            op(self, "Status", lambda _ctx: ws.schedule_versions(pid))
            .success(arrived)
            .failure(failed)
            .run_in_background()
        )

    def _schedule_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)
        self._refresh_versions()  # a save or solve may have stored a version
        self._update_status()

    # ------------------------------------------------------------------ file actions
    @staticmethod
    def ask_open_file(parent: QWidget, caption: str, filters: str) -> str | None:
        """A file to open (tests monkeypatch this)."""
        path, _ = QFileDialog.getOpenFileName(parent, caption, "", filters)
        return path or None

    @staticmethod
    def ask_save_file(parent: QWidget, caption: str, filters: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, caption, "", filters)
        return path or None

    def import_file_dialog(self) -> None:
        path = self.ask_open_file(
            self, "Import scenario or schedule", "Scenario or schedule (*.json);;All files (*)"
        )
        if path:
            self.import_path(Path(path))

    @staticmethod
    def ask_import_again(parent: QWidget, name: str) -> bool:
        """A program of that name exists: import the scenario as another program? (tests
        monkeypatch this)"""
        answer = QMessageBox.question(
            parent,
            "Program exists",
            f"This database already holds a program named {name!r}.\n"
            "Import the file as another program beside it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def import_path(self, path: Path) -> Operation[tuple[ReadFile | None, list[str]]]:
        """Import a scenario (a new program, shown at once) or a schedule (a new version of
        this program) in the background; the report is shown at the end (``last_import``).
        The file is read and parsed once, off the UI thread; a scenario whose program name
        exists already is imported only after staff confirm."""
        ws, program = self.ws, self.program_id
        assert ws is not None, "a closed window imports nothing"
        self.last_import = None

        def refused(exc: BaseException) -> None:
            if isinstance(exc, InputError):
                report = ImportReport(
                    str(path),
                    False,
                    f"Refused: {plural(len(exc.problems), 'problem')}; nothing was imported.",
                    exc.problems,
                )
            elif isinstance(exc, ExchangeError):
                report = ImportReport(str(path), False, f"Refused; nothing was imported. {exc}", [])
            else:
                show_error(self, "Import failed", exc)
                return
            self.last_import = report
            ImportReportDialog.ask(self, report)

        def imported(result: ImportResult) -> None:
            report = ImportReport(str(path), True, result.summary, [])
            self.last_import = report
            if result.kind == "scenario":
                self._show_program(result.program_id)
            else:
                self._data_changed(None, None)
            ImportReportDialog.ask(self, report)

        def read(_ctx: OpContext) -> tuple[ReadFile | None, list[str]]:
            loaded = read_import_file(path) if path.suffix.lower() == ".json" else None
            return loaded, [p.name for p in ws.programs()]

        def store(loaded: ReadFile | None) -> None:
            def work(_ctx: OpContext) -> ImportResult:
                if loaded is None:
                    return import_file(ws, path, program=program)
                return import_read_file(ws, loaded, program)

            op(self, "Import", work).success(imported).failure(refused).with_progress(
                f"Importing {path.name}…"
            ).run_in_background()

        def decide(value: tuple[ReadFile | None, list[str]]) -> None:
            loaded, names = value
            name = (
                loaded.scenario.program.name if loaded is not None and loaded.scenario is not None else None
            )
            if name is not None and name in names and not self.ask_import_again(self, name):
                return
            store(loaded)

        return (
            op(self, "Import", read)
            .success(decide)
            .failure(refused)
            .with_progress(f"Reading {path.name}…")
            .run_in_background()
        )

    def import_sheet_dialog(self) -> None:
        if self.program_id is None or self.ws is None:
            return
        path = self.ask_open_file(self, "Import people from spreadsheet", "Spreadsheets (*.xlsx *.csv)")
        if not path:
            return
        from ui.dialogs.sheet_import import SheetImportDialog

        before = self.scenario
        result = SheetImportDialog.ask(self, self.ws, self.program_id, Path(path))
        if result is not None:
            self._data_changed(None, None)  # reads the program as the import left it
            if before is not None and self.scenario is not None and (result.added or result.updated):
                # one undoable step (children per person, based on the revisions the import wrote)
                self.undo_stack.push(
                    ImportPeopleCommand(
                        self.ws,
                        self.program_id,
                        f"Import people from {Path(path).name}",
                        before,
                        self.scenario,
                        self.revisions,
                        self._data_changed,
                        self._command_failed,
                    )
                )
            self.statusBar().showMessage(result.summary, 8000)

    def backups_dialog(self) -> None:
        from ui.dialogs.backups import BackupsDialog

        if self.ws is None:
            return
        if BackupsDialog.ask(self, self.ws):
            programs = self.ws.programs()
            keep = (
                self.program_id
                if any(p.id == self.program_id for p in programs)
                else pick_program(self, self.ws)
            )
            self._show_program(keep)

    def exporting(self) -> bool:
        return self.export_op is not None and self.export_op.is_running()

    def export(self, kind: str) -> None:
        if self.program_id is None or self.ws is None or self.exporting():
            return
        from ui.dialogs import export as export_dialogs

        what = export_dialogs.KINDS[kind]
        since = None
        if what.since:
            versions = self.ws.schedule_versions(self.program_id)
            if versions:
                since = export_dialogs.ask_since_version(self, what, versions)
                if since is False:
                    return
        out = ask_target(self, what, str(QSettings().value("last_export_dir", "")))
        if out is None:
            return
        force = export_dialogs.confirm_folder(self, what, out)
        if force is None:
            return
        QSettings().setValue("last_export_dir", str(out if what.target == "folder" else out.parent))

        def exported(summary: str) -> None:
            self.last_export = (True, summary)
            export_dialogs.offer_open_folder(self, summary, out if out.is_dir() else out.parent)

        def failed(exc: BaseException) -> None:
            self.last_export = (False, error_text(exc))
            show_error(self, "Export failed", exc)

        self.last_export = None
        self.export_op = (
            export_operation(self, self.ws, self.program_id, kind, out, since, force)
            .success(exported)
            .failure(failed)
            .run_in_background()
        )

    def new_program(self) -> None:
        """File > New program…: the wizard, then the new program is shown."""
        from exchange_app.services.new_program import create_program
        from ui.dialogs.new_program import ProgramWizard

        if self.ws is None or not self._may_leave():
            return
        spec = ProgramWizard.ask(self)
        if spec is None:
            return
        try:
            pid = create_program(self.ws, spec)
        except ExchangeError as e:
            QMessageBox.warning(self, "Program not created", str(e))
            return
        self._show_program(pid)
        self.statusBar().showMessage(f"Created program {spec.name!r}; add people next.", 8000)

    def show_guide(self) -> None:
        from ui.dialogs.guide import GuideDialog

        self._guide = GuideDialog.show_guide(self)

    def new_database(self) -> None:
        path = self.ask_save_file(self, "New program database", "Program database (*.db)")
        if path:
            if not path.endswith(".db") and "://" not in path:
                path += ".db"
            self.switch_database(path)

    def open_database_dialog(self) -> None:
        path = self.ask_open_file(
            self, "Open program database", "Program database (*.db *.sqlite);;All files (*)"
        )
        if path:
            self.switch_database(path)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        items = recent_databases()
        for i, db in enumerate(items):
            action = self.recent_menu.addAction(f"&{i + 1} {db}")
            action.triggered.connect(lambda _c=False, d=db: self.open_recent(d))
        if not items:
            self.recent_menu.addAction("(none)").setEnabled(False)

    def open_recent(self, db: str) -> bool:
        """Open a database from the recent list; a file that is gone is dropped from the list
        (opening it would quietly create a new, empty database)."""
        if "://" not in db and not Path(db).exists():
            QMessageBox.warning(
                self, "Database not found", f"{db} no longer exists; it was removed from the recent list."
            )
            forget_database(db)
            return False
        return self.switch_database(db)

    def switch_database(self, db: str) -> bool:
        """Open another database in this window (locks it; releases the current one)."""
        if not self._may_leave():
            return False
        opened = open_database_or_explain(self, db)
        if opened is None:
            return False
        ws, lock = opened
        try:
            program = pick_program(self, ws)
        except ExchangeError as e:
            QMessageBox.warning(self, "Cannot open database", str(e))
            ws.close()
            if lock is not None:
                lock.release()
            return False
        # the undo stack belongs to the old database: clear it while that one is still open
        # (clearing signals a status update, which must not ask the new database about the old program)
        self.undo_stack.clear()
        self._release_database()
        self.ws, self.lock = ws, lock
        self.demo = False
        remember_database(str(ws.path) if ws.path else db)
        self._show_program(program)
        return True

    def publish_caldav(self) -> None:
        if (
            self.program_id is None
            or self.ws is None
            or (self.publish_op is not None and self.publish_op.is_running())
        ):
            return
        from ui.dialogs import publish

        self.publish_op = publish.publish(self, self.ws, self.program_id)

    def send_invitations(self) -> None:
        if (
            self.program_id is None
            or self.ws is None
            or (self.publish_op is not None and self.publish_op.is_running())
        ):
            return
        from ui.dialogs import publish

        self.publish_op = publish.send(self, self.ws, self.program_id)

    def _release_database(self) -> None:
        wait_all()  # every background operation ends before the database closes
        self._dispose_schedule_tab()
        if self.ws is not None:
            self.ws.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def go_to_tab(self, index: int) -> None:
        if self.tabs is not None and 0 <= index < self.tabs.count():
            self.tabs.setCurrentIndex(index)
            page = self.tabs.currentWidget()
            if isinstance(page, PeopleTab):
                page.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
            else:
                page.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ------------------------------------------------------------------ edit actions
    def focus_search(self) -> None:
        tab = self.tabs.currentWidget() if self.tabs is not None else None
        if not isinstance(tab, PeopleTab):
            tab = self.people_tabs.get(PersonKind.OFFICIAL)
            if tab is None or self.tabs is None:
                return
            self.tabs.setCurrentWidget(tab)
        tab.focus_search()

    def edit_program_settings(self) -> None:
        if self.program_id is None or self.scenario is None or self.ws is None:
            return
        before = self.scenario.program
        after = ProgramSettingsDialog.ask(self, before)
        if after is None or after == before:
            return
        command = ProgramSettingsCommand(
            self.ws,
            self.program_id,
            before,
            after,
            self._data_changed,
            self._command_failed,
            expected_revision=self.program_revision,
        )
        try:
            command.apply()
        except ConflictError as e:
            QMessageBox.warning(
                self, "Changed meanwhile", f"{e}\n\nThe settings were reloaded; make your change again."
            )
            self._data_changed(None, None)
            return
        except ExchangeError as e:
            QMessageBox.warning(self, "Settings not saved", str(e))
            return
        self.undo_stack.push(command)

    def _command_failed(self, what: str, error: ExchangeError) -> None:
        QMessageBox.warning(self, "Could not complete", f"{what}: {error}")

    def switch_program(self) -> None:
        if self.ws is None:
            return
        programs = self.ws.programs()
        if len(programs) < 2 or not self._may_leave():
            return
        chosen = ProgramChooser.ask(self, programs)
        if chosen is not None and chosen != self.program_id:
            self._show_program(chosen)

    def set_theme(self, theme: str) -> None:
        QSettings().setValue("theme", theme)
        app = QApplication.instance()
        assert isinstance(app, QApplication), "the window runs in a QApplication"
        apply_theme(app, theme)
        self.theme_actions[theme].setChecked(True)

    def about(self) -> None:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as package_version

        try:
            version = package_version("exchange-scheduler")
        except PackageNotFoundError:
            version = ""

        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME}</b> {version}<br>Schedules dialogue sessions between international "
            "election officials and U.S. election administrators.<br><br>"
            f"Database: {self.ws.url if self.ws is not None else '(closed)'}",
        )

    # ------------------------------------------------------------------ closing
    @staticmethod
    def ask_unsaved_schedule(parent: QWidget) -> str:
        """'save', 'discard' or 'cancel' (tests monkeypatch this)."""
        answer = QMessageBox.question(
            parent,
            "Unsaved schedule",
            "The schedule has changes that are not saved as a version yet. Save them?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(
            answer, "cancel"
        )

    def _may_leave(self) -> bool:
        """Offer to save unsaved work; False when staff cancel."""
        for tab in self.people_tabs.values():
            if tab.editor.is_dirty():
                if self.tabs is not None:
                    self.tabs.setCurrentWidget(tab)
                tab._offer_save()
        if self._schedule_dirty():
            choice = self.ask_unsaved_schedule(self)
            if choice == "cancel":
                return False
            if choice == "save":
                saving = self.schedule_tab.save()
                if saving is not None:
                    saving.wait()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ws is None:
            super().closeEvent(event)
            return
        if not self._may_leave():
            event.ignore()
            return
        self.undo_stack.clear()
        self._release_database()
        self.ws = None
        super().closeEvent(event)
