"""Hand editing on the Schedule tab: open, delete and change sessions, swap two officials,
"show possible places" and the suggestions list. Every edit is one undo command; what it
would break is asked of the rule checker first (a rule-breaking edit only after staff
confirm, and then it is flagged by the live check)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QListWidget, QListWidgetItem, QMenu, QVBoxLayout, QWidget

from exchange_app.domain import Mode, Session
from exchange_app.naming import plural
from exchange_app.rules import language_name
from ui.board import commands
from ui.board.document import Reason, reasons_text
from ui.board.edits import new_session_id
from ui.board.mime import DragPayload
from ui.board.opening import Suggestion, change_options, suggestions
from ui.board.picker import Choice, TargetPicker, confirm_rule_break

if TYPE_CHECKING:
    from exchange_app.rules import Violation
    from ui.board.schedule_tab import ScheduleTab

FIELD_TITLES = {
    "topic": "Change &topic",
    "language": "Change &language",
    "interpreter": "Change &interpreter",
}


class HandEditing:
    """Actions and panels of hand editing for one :class:`ui.board.schedule_tab.ScheduleTab`."""

    def __init__(self, tab: ScheduleTab):
        self.tab = tab
        self.doc = tab.document
        a = tab._action
        self.open_action = a(
            "&Open session here…",
            self.open_here,
            "Ctrl+Shift+O",
            "Open a new session in the selected free cell for an official you pick",
        )
        self.delete_action = a(
            "&Delete session", self.delete_current, "Ctrl+Shift+Delete", "Delete the selected session"
        )
        self.swap_action = a(
            "S&wap with…",
            self.swap_dialog,
            "Ctrl+Shift+W",
            "Swap the selected official with an official of another session, in one step",
        )
        self.places = QCheckBox("Show possible &places")
        self.places.setAccessibleName("Show every legal place for the selected official")
        self.places.setToolTip(
            "Highlight in green every cell where the selected official could go (join or open a session)"
        )
        self.places.toggled.connect(self.update_preview)
        # suggestions panel
        self.suggestions = QListWidget()
        self.suggestions.setAccessibleName("Suggestions for the selected official")
        self.suggestions.setWordWrap(True)
        self.suggestions.itemActivated.connect(self._apply_suggestion)
        self.suggestions_head = QLabel()
        self.suggestions_head.setWordWrap(True)
        self.page = QWidget()
        lay = QVBoxLayout(self.page)
        lay.addWidget(self.suggestions_head)
        lay.addWidget(self.suggestions, 1)
        hint = QLabel("Double-click or press Enter on a suggestion to apply it (one step you can undo).")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        self.doc.schedule_changed.connect(self.refresh)
        self._shown_for: object = ()
        self._from_list = False

    # ------------------------------------------------------------------ selection
    def picked_in_list(self, picked: bool) -> None:
        """Staff last picked an official in the unassigned list (True) or on the board."""
        self._from_list = picked

    def selected(self) -> tuple[str | None, str | None]:
        """The official "show possible places" and the suggestions are for: the one last
        picked, in the unassigned list or on the board."""
        listed = self.tab.unassigned.current_official()
        if self._from_list and listed:
            return listed, None
        official, session = self.tab.current_official()
        if official is None and self.tab.unassigned.current_official():
            return self.tab.unassigned.current_official(), None
        return official, session

    def refresh(self) -> None:
        self.update_preview()
        self.fill_suggestions()
        cell = self.tab.board.currentIndex()
        sid = self.tab.board_model.session_at(cell)
        official, session = self.selected()
        self.open_action.setEnabled(cell.isValid() and sid is None)
        self.delete_action.setEnabled(sid is not None)
        self.swap_action.setEnabled(official is not None and session is not None)

    def update_preview(self, *_: object) -> None:
        official, session = self.selected()
        model = self.tab.board_model
        if self.places.isChecked() and official is not None:
            preview = DragPayload(official=official, session=session)
            model.set_preview(preview)
            n = sum(
                1
                for r in range(model.rowCount())
                for c in range(model.columnCount())
                if model.legal(preview, model.index(r, c))
            )
            self.tab._set_status(
                f"{n} possible place{'s' if n != 1 else ''} for {self.doc.person_name(official)} on this day "
                "(green); hover a dimmed cell to see why not."
            )
        else:
            model.set_preview(None)

    # ------------------------------------------------------------------ suggestions
    def fill_suggestions(self) -> None:
        official, _session = self.selected()
        key = (official, self.doc.schedule)
        if key == self._shown_for:
            return
        self._shown_for = key
        self.suggestions.clear()
        doc = self.doc
        if official is None:
            self.suggestions_head.setText("Select an official to see where they could go.")
            return
        n, low = doc.session_count(official), doc.min_sessions(official)
        name = doc.official_label(official)
        if n >= low:
            self.suggestions_head.setText(
                f"{name} has {n} of at least {plural(low, 'session')}: nothing to suggest."
            )
            return
        found = suggestions(doc.ctx, doc.schedule, official)
        self.suggestions_head.setText(
            f"{name} has {n} of at least {plural(low, 'session')}. "
            + (
                f"Best {len(found)} legal place{'s' if len(found) != 1 else ''}, most interest first:"
                if found
                else "No legal place is left: free a place by hand (unassign or swap), or change the program."
            )
        )
        for s in found:
            if s.session is not None:
                text = f"Join {doc.session_title(s.session)} (interest {s.interest})"
            else:
                o = s.option
                assert o is not None and s.host is not None and s.slot is not None
                extra = f", interpreter {doc.person_name(o.interpreter)}" if o.interpreter else ""
                mode = ", video" if o.mode is Mode.VIRTUAL else ""
                text = (
                    f"Open {doc.topic_name(o.topic)} with {doc.person_name(s.host)}, {doc.slot_label(s.slot)} "
                    f"in {language_name(o.language)}{extra}{mode} (interest {s.interest}; needs more officials)"
                )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (official, s))
            self.suggestions.addItem(item)

    def _apply_suggestion(self, item: QListWidgetItem) -> None:
        official, s = item.data(Qt.ItemDataRole.UserRole)
        self.apply_suggestion(official, s)

    def apply_suggestion(self, official: str, s: Suggestion) -> None:
        doc = self.doc
        if s.session is not None:
            self.tab._push(commands.move_official(doc, official, None, s.session))
            self.tab.select_session(s.session)
        else:
            o = s.option
            assert o is not None and s.host is not None and s.slot is not None  # an "open here" suggestion
            h = doc.hosts[s.host]
            session = Session(
                id=new_session_id(doc.schedule, s.host, s.slot),
                host=s.host,
                slot=s.slot,
                topic=o.topic,
                language=o.language,
                officials=[official],
                interpreter=o.interpreter,
                mode=o.mode,
                location=h.location if o.mode is Mode.IN_PERSON else None,
            )
            self.tab._push(commands.open_session(doc, session))
            self.tab.select_session(session.id)

    # ------------------------------------------------------------------ commands
    def open_here(self) -> None:
        """Keyboard way to open a session: the selected free cell, an official picked from a list."""
        tab, doc = self.tab, self.doc
        index = tab.board.currentIndex()
        model = tab.board_model
        if not index.isValid() or model.session_at(index) is not None:
            return
        host, slot = model.host_at(index.row()), model.slot_at(index.column())
        choices = []
        for o in sorted(
            doc.scenario.officials, key=lambda o: (doc.session_count(o.id) >= doc.min_sessions(o.id), o.name)
        ):
            why = reasons_text(doc.why_not_open(o.id, host, slot))
            n = doc.session_count(o.id)
            choices.append(
                Choice(
                    o.id,
                    f"{doc.official_label(o.id)} · {n} of {plural(doc.min_sessions(o.id), 'session')}",
                    why,
                )
            )
        c = TargetPicker.ask(
            tab,
            "Open a session",
            f"Open a session with {doc.person_name(host)}, {doc.slot_label(slot)} for:",
            choices,
        )
        if c is None:
            return
        cmd = model._open_command(DragPayload(official=str(c.key)), host, slot)
        if cmd is not None:
            tab._push(cmd)

    def delete_current(self) -> None:
        tab, doc = self.tab, self.doc
        sid = tab.current_session()
        if sid is None:
            return
        why = reasons_text(doc.why_not_delete(sid))
        if why and not confirm_rule_break(tab, f"Delete {doc.session_title(sid)}", why):
            tab._set_status(f"Not deleted: {why}")
            return
        tab._push(commands.delete_session(doc, sid, why))

    def change(self, session_id: str, field: str, value: str | Mode | None, reasons: list[Violation]) -> None:
        tab, doc = self.tab, self.doc
        s = doc.sessions[session_id]
        if field == "topic":
            assert isinstance(value, str)  # change_options gives topic ids
            new, what = replace(s, topic=value), f"topic to {doc.topic_name(value)}"
        elif field == "language":
            assert isinstance(value, str)  # and language codes
            new, what = replace(s, language=value), f"language to {language_name(value)}"
        elif field == "interpreter":
            new = replace(s, interpreter=value)
            what = f"interpreter to {doc.person_name(value)}" if value else "no interpreter"
        else:
            assert isinstance(value, Mode)  # the only other field is the mode
            h = doc.hosts.get(s.host)
            loc = h.location if value is Mode.IN_PERSON and h is not None else None
            new, what = (
                replace(s, mode=value, location=loc),
                "video" if value is Mode.VIRTUAL else "in person",
            )
        new = replace(new, officials=list(s.officials), pinned=list(s.pinned))
        why = reasons_text(reasons)
        if why and not confirm_rule_break(tab, f"Change {doc.session_title(session_id)}: {what}", why):
            tab._set_status(f"Not changed: {why}")
            return
        tab._push(commands.change_session(doc, new, what, why))

    def swap_dialog(self) -> None:
        tab, doc = self.tab, self.doc
        a, sa = tab.current_official()
        if a is None or sa is None:
            return
        oa = doc.officials[a]
        here = doc.sessions[sa]
        choices = []
        for s in sorted(doc.schedule.sessions, key=lambda s: (doc.slot_order.get(s.slot, 0), s.id)):
            if s.id == sa or a in s.officials or oa.interests.get(s.topic, 0) < 1:
                continue
            for b in s.officials:
                if b in here.officials or doc.officials.get(b) is None:
                    continue
                if doc.officials[b].interests.get(here.topic, 0) < 1:
                    continue
                why = reasons_text(doc.why_not_swap(a, sa, b, s.id))
                choices.append(
                    Choice((b, s.id), f"{doc.official_label(b)} in {doc.session_title(s.id)}", why)
                )
        if not choices:
            tab._set_status(
                f"No official in another session wants {doc.topic_name(here.topic)} while "
                f"{doc.person_name(a)} wants theirs."
            )
            return
        c = TargetPicker.ask(tab, "Swap officials", f"Swap {doc.official_label(a)} with:", choices)
        if c is not None:
            b, sb = cast(tuple[str, str], c.key)
            tab._push(commands.swap_officials(doc, a, sa, b, sb, c.reasons))

    # ------------------------------------------------------------------ menus
    def add_to_menu(self, menu: QMenu, sid: str | None, official: str | None) -> None:
        """The card's editing entries (or "Open session here" on a free cell)."""
        self.refresh()
        if sid is None:
            menu.addAction(self.open_action)
            return
        doc = self.doc
        if official is not None:
            menu.addAction(self.swap_action)
        options = change_options(doc.ctx, doc.schedule, sid)
        for field, values in options.items():
            if not values:
                continue
            if field == "mode":
                value, reasons = values[0]
                label = "Make it a &video session" if value is Mode.VIRTUAL else "Make it &in person"
                act = menu.addAction(_mark(label, reasons))
                if reasons:
                    act.setToolTip(reasons_text(reasons))
                    menu.setToolTipsVisible(True)
                act.triggered.connect(lambda _=False, v=value, r=reasons: self.change(sid, "mode", v, r))
                continue
            sub = menu.addMenu(FIELD_TITLES[field])
            for value, reasons in values:
                if field == "topic":
                    assert isinstance(value, str)  # a topic id
                    label = doc.topic_name(value)
                elif field == "language":
                    label = language_name(value)
                else:
                    label = doc.person_name(value) if value else "No interpreter"
                act = sub.addAction(_mark(label, reasons))
                if reasons:
                    act.setToolTip(reasons_text(reasons))
                act.triggered.connect(lambda _=False, f=field, v=value, r=reasons: self.change(sid, f, v, r))
            sub.setToolTipsVisible(True)
        menu.addAction(self.delete_action)


def _mark(label: str, reasons: Sequence[Reason]) -> str:
    """A menu entry: ✔ legal, ✖ breaks a rule (the reason, which can be long, is the tooltip
    and is shown again when the entry is chosen)."""
    return f"✔ {label}" if not reasons else f"✖ {label} (breaks a rule)"
