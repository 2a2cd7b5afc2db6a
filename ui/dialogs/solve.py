"""The solve dialog: settings, live progress, cancel (keeps the best so far), then a summary.

The solve runs in a :class:`ui.workers.SolveRunner` thread on a snapshot, so the window
stays responsive. :meth:`SolveDialog.ask` returns the outcome staff chose to use, or None.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QPointF, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QPainter, QPaintEvent, QPalette, QPen, QPolygonF, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from exchange_app.domain import Scenario, Schedule
from exchange_app.naming import number, plural
from exchange_app.services.solving import SolveOutcome
from solver.types import Progress, SolveOptions
from ui.operations import Operation, error_text, show_error
from ui.workers import solve_operation


class ImprovementChart(QWidget):
    """Best objective over time, as a small step line (palette colours only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[float, float]] = []
        self.limit = 1.0
        self.setMinimumHeight(self.fontMetrics().height() * 4)
        self.setAccessibleName("Chart of the best objective over time")

    def clear(self, limit: float) -> None:
        self.points = []
        self.limit = max(limit, 1.0)
        self.update()

    def add(self, seconds: float, objective: float) -> None:
        self.points.append((seconds, objective))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        r = self.rect().adjusted(1, 1, -2, -2)
        p.fillRect(r, pal.color(QPalette.ColorRole.Base))
        p.setPen(pal.color(QPalette.ColorRole.Mid))
        p.drawRect(r)
        label_h = self.fontMetrics().height() + 2
        plot = r.adjusted(0, label_h, 0, 0)  # the label has its own line above the plot
        if len(self.points) >= 1:
            lo = min(o for _, o in self.points)
            hi = max(o for _, o in self.points)
            span = (hi - lo) or 1.0
            right = max(self.limit, self.points[-1][0])

            def at(sec: float, obj: float) -> QPointF:
                return QPointF(
                    plot.left() + 4 + (plot.width() - 8) * sec / right,
                    plot.bottom() - 4 - (plot.height() - 8) * (obj - lo) / span,
                )

            path = QPolygonF()
            for (s0, o0), (s1, _o1) in zip(
                self.points, self.points[1:] + [(self.points[-1][0], None)], strict=False
            ):
                path.append(at(s0, o0))
                path.append(at(s1, o0))
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 2))
            p.drawPolyline(path)
            p.setPen(pal.color(QPalette.ColorRole.Text))
            p.drawText(
                r.adjusted(6, 2, -6, -2),
                Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight,
                f"best {_num(hi)}",
            )
        else:
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, "Improvements appear here")
        p.end()


def _best_possible(at_min: int | None, interest: int | None) -> str:
    """``at most 138 at their minimum; interest at most 1,650`` (the proven bounds)."""
    if at_min is None and interest is None:
        return "not proven yet"
    parts = [
        "not proven" if at_min is None else f"at most {at_min:,} at their minimum",
        "interest not proven" if interest is None else f"interest at most {interest:,}",
    ]
    return "; ".join(parts)


def _num(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:g}"


def _setting(st: QSettings, key: str, default: float) -> str | float:
    """A remembered number as QSettings gives it back (a number, or text from an INI file)."""
    value = st.value(key, default)
    if isinstance(value, str | int | float):
        return value
    raise TypeError(f"{key} is not a number: {value!r}")


class SolveDialog(QDialog):
    """Solve ``scenario`` (around ``previous`` when ``options.keep_previous``)."""

    def __init__(
        self,
        scenario: Scenario,
        options: SolveOptions | None = None,
        previous: Schedule | None = None,
        title: str = "Solve",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.scenario = scenario
        self.previous = previous
        self.base_options = options or self.remembered_options()
        self.outcome: SolveOutcome | None = None
        self.error: str | None = None
        self.runner: Operation[SolveOutcome] | None = None
        self._best: float | None = None
        self._officials = {o.id: o for o in scenario.officials}

        # settings
        self.time_limit = QSpinBox()
        self.time_limit.setRange(1, 3600)
        self.time_limit.setSuffix(" s")
        self.time_limit.setValue(int(round(self.base_options.time_limit)))
        self.time_limit.setAccessibleName("Time limit in seconds")
        self.workers = QSpinBox()
        self.workers.setRange(1, 32)
        self.workers.setValue(self.base_options.workers)
        self.workers.setAccessibleName("Solver workers")
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        self.seed.setValue(self.base_options.seed)
        self.seed.setAccessibleName("Random seed")
        settings = QGroupBox("Settings")
        form = QFormLayout(settings)
        form.addRow("&Time limit:", self.time_limit)
        form.addRow("&Workers:", self.workers)
        form.addRow("&Seed:", self.seed)
        intro = QLabel(
            f"<b>{scenario.program.name}</b><br>{len(scenario.officials)} officials, "
            f"{len(scenario.hosts)} hosts, {len(scenario.interpreters)} interpreters, "
            f"{len(scenario.slots)} slots"
            + (
                "<br>Keeps pinned officials in place and changes as little as possible."
                if self.base_options.keep_previous
                else ""
            )
        )
        intro.setWordWrap(True)

        # progress
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.bar.setFormat("Not started")
        self.bar.setAccessibleName("Time used of the limit")
        self.objective = QLabel("—")
        self.bound = QLabel("—")
        self.elapsed = QLabel("—")
        self.at_min = QLabel("—")
        self.phase = QLabel("—")
        for w, name in (
            (self.objective, "Objective"),
            (self.bound, "Best possible (proven)"),
            (self.elapsed, "Elapsed"),
            (self.at_min, "Officials at minimum"),
            (self.phase, "Phase"),
        ):
            w.setAccessibleName(name)
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        progress = QGroupBox("Progress")
        pform = QFormLayout(progress)
        pform.addRow(self.bar)
        pform.addRow("Phase:", self.phase)
        pform.addRow("Objective (best found):", self.objective)
        pform.addRow("Officials at their minimum:", self.at_min)
        pform.addRow("Best possible (proven):", self.bound)
        pform.addRow("Elapsed:", self.elapsed)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setAccessibleName("Improvements log")
        self.log.setMaximumBlockCount(500)
        self.log.setPlaceholderText("Each better schedule found is listed here.")
        self.chart = ImprovementChart()
        logs = QHBoxLayout()
        logs.addWidget(self.chart, 1)
        logs.addWidget(self.log, 1)
        pform.addRow(logs)

        # summary
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAccessibleName("Solve summary")
        self.unmatched = QTableWidget(0, 3)
        self.unmatched.setHorizontalHeaderLabels(["Official", "Sessions", "Why below the minimum"])
        self.unmatched.verticalHeader().hide()
        self.unmatched.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.unmatched.setWordWrap(True)
        self.unmatched.setAlternatingRowColors(True)
        self.unmatched.setAccessibleName("Officials below their minimum")
        h = self.unmatched.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        h.setStretchLastSection(True)
        self.summary_box = QGroupBox("Summary")
        sl = QVBoxLayout(self.summary_box)
        sl.addWidget(self.summary)
        sl.addWidget(self.unmatched, 1)
        self.summary_box.hide()

        # buttons
        self.buttons = QDialogButtonBox()
        self.start_button = QPushButton("&Start")
        self.cancel_button = QPushButton("S&top (keep best so far)")
        self.use_button = QPushButton("&Use this schedule")
        self.close_button = QPushButton("&Close")
        self.buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.use_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.use_button.clicked.connect(self.accept)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.setEnabled(False)
        self.use_button.setEnabled(False)
        self.start_button.setDefault(True)

        top = QHBoxLayout()
        top.addWidget(settings)
        top.addWidget(intro, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(progress, 1)
        layout.addWidget(self.summary_box, 1)
        layout.addWidget(self.buttons)
        fh = self.fontMetrics().height()
        self.log.setMinimumHeight(fh * 6)
        self.unmatched.setMinimumHeight(fh * 8)
        self.setMinimumSize(fh * 40, fh * 40)
        self.resize(fh * 56, fh * 56)

        self._clock = QElapsedTimer()
        self._ticker = QTimer(self)
        self._ticker.setInterval(100)
        self._ticker.timeout.connect(self._tick)

    # ------------------------------------------------------------------ settings
    @staticmethod
    def remembered_options() -> SolveOptions:
        """The time limit, workers and seed of the last solve started here (or the defaults)."""
        st = QSettings()
        d = SolveOptions()
        try:
            return SolveOptions(
                time_limit=float(_setting(st, "solve/time_limit", d.time_limit)),
                workers=int(_setting(st, "solve/workers", d.workers)),
                seed=int(_setting(st, "solve/seed", d.seed)),
            )
        except (TypeError, ValueError):
            return d

    def _remember(self) -> None:
        st = QSettings()
        st.setValue("solve/time_limit", self.time_limit.value())
        st.setValue("solve/workers", self.workers.value())
        st.setValue("solve/seed", self.seed.value())

    # ------------------------------------------------------------------ running
    def options(self) -> SolveOptions:
        o = self.base_options
        return SolveOptions(
            time_limit=float(self.time_limit.value()),
            workers=self.workers.value(),
            seed=self.seed.value(),
            keep_previous=o.keep_previous,
        )

    def is_running(self) -> bool:
        return self.runner is not None and self.runner.is_running()

    def start(self) -> None:
        if self.is_running():
            return
        self.outcome = None
        self.error = None
        self._best = None
        self.log.clear()
        self.chart.clear(float(self.time_limit.value()))
        self.summary_box.hide()
        for w in (self.time_limit, self.workers, self.seed, self.start_button, self.use_button):
            w.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.bar.setFormat("%p% of the time limit")
        self.phase.setText("starting")
        if not self.base_options.keep_previous:
            self._remember()
        self.runner = (
            solve_operation(self, self.scenario, self.options(), self.previous, self.windowTitle())
            .progress(self._on_progress)
            .success(self._on_finished)
            .failure(self._on_failed)
        )
        self._clock.start()
        self._ticker.start()
        self.runner.run_in_background()
        self.cancel_button.setFocus()

    def cancel(self) -> None:
        """Stop now; the best schedule found so far is kept."""
        if self.is_running():
            assert self.runner is not None
            self.runner.cancel()
            self.cancel_button.setEnabled(False)
            self.phase.setText("stopping…")

    def _tick(self) -> None:
        secs = self._clock.elapsed() / 1000
        limit = max(1, self.time_limit.value())
        self.bar.setValue(min(1000, int(secs / limit * 1000)))
        self.elapsed.setText(f"{secs:.1f} s of {limit} s")

    def _on_progress(self, p: Progress) -> None:
        self.phase.setText(p.phase)
        self.objective.setText(_num(p.objective))
        self.bound.setText(_best_possible(p.at_min_bound, p.interest_bound))
        if p.officials_at_min is not None:
            self.at_min.setText(f"{number(p.officials_at_min)} of {number(len(self.scenario.officials))}")
        if p.objective is not None and p.objective != self._best:
            self._best = p.objective
            line = f"{p.seconds:6.1f} s  {p.phase:<8} objective {_num(p.objective)}"
            if p.bound is not None:
                line += f", bound {_num(p.bound)}"
            if p.total_interest is not None:
                line += f", interest {number(p.total_interest)}"
            self.log.appendPlainText(line)
            self.chart.add(p.seconds, p.objective)
            self.log.moveCursor(QTextCursor.MoveOperation.End)
            self.log.ensureCursorVisible()

    def _finish_ui(self) -> None:
        self._ticker.stop()
        self._tick()
        for w in (self.time_limit, self.workers, self.seed, self.start_button):
            w.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.start_button.setText("&Solve again")

    def _on_finished(self, outcome: SolveOutcome) -> None:
        self._finish_ui()
        self.outcome = outcome
        self.bar.setValue(1000)
        stopped = self.runner is not None and self.runner.cancelled
        self.bar.setFormat("Stopped: best so far kept" if stopped else "Done")
        self.phase.setText("stopped" if stopped else "done")
        self._show_summary(outcome, stopped)
        QTimer.singleShot(0, self._log_to_end)  # after the summary has taken its room
        self.use_button.setEnabled(outcome is not None and outcome.schedule is not None)
        self.use_button.setDefault(True)
        self.use_button.setFocus()

    def _log_to_end(self) -> None:
        bar = self.log.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _on_failed(self, exc: BaseException) -> None:
        self._finish_ui()
        message = error_text(exc)
        self.error = message
        self.bar.setFormat("Failed")
        self.phase.setText("failed")
        self.summary.setText(f"<b>The solve failed:</b> {message}")
        self.summary_box.show()
        show_error(self, "Solve failed", exc)

    def _show_summary(self, outcome: SolveOutcome, stopped: bool) -> None:
        schedule: Schedule = outcome.schedule
        report = getattr(outcome, "report", None)
        info = schedule.solver
        lines = []
        if info is not None:
            lines.append(
                f"Status: <b>{info.status}</b>{' (stopped early)' if stopped else ''}; {info.seconds or 0:.1f} s"
            )
        result = getattr(outcome, "result", None)
        if report is not None and info is not None:
            from exchange_app.naming import quality_words

            f = report.figures
            lines.append(
                "<b>"
                + quality_words(
                    f.officials_at_min,
                    f.officials_total,
                    f.total_interest,
                    getattr(result, "at_min_bound", None),
                    getattr(result, "interest_bound", None),
                )
                + "</b>"
            )
        if report is not None:
            f = report.figures
            # the quality line above already says how many reach their minimum
            reach = (
                ""
                if info is not None
                else f"<b>{number(f.officials_at_min)} of {number(f.officials_total)}</b> officials reach their minimum; "
            )
            lines.append(
                f"{plural(f.sessions, 'session')}, {plural(f.assignments, 'place')}; "
                f"{reach}total interest {number(f.total_interest)}; lowest {number(f.lowest_interest)}; "
                f"{plural(f.interpreters_used, 'interpreter')} in {plural(f.sessions_with_interpreter, 'session')}"
            )
            lines.append(
                "Rule check: keeps every rule."
                if report.ok
                else f"Rule check: <b>{plural(len(report.violations), 'problem')}</b>: "
                + "; ".join(v.message for v in report.violations[:3])
            )
        changes = getattr(outcome, "changes", None)
        if changes is not None:
            lines.append(
                f"Changes: {plural(len(changes.sessions_added), 'session')} added, "
                f"{len(changes.sessions_removed)} removed, "
                f"{plural(len(changes.officials_moved), 'official')} moved"
            )
        n = len(schedule.unmatched)
        lines.append(
            "Everyone reaches their minimum." if n == 0 else f"{plural(n, 'official')} below their minimum:"
        )
        self.summary.setText("<br>".join(lines))
        self.unmatched.setRowCount(n)
        for row, u in enumerate(schedule.unmatched):
            o = self._officials.get(u.official)
            name = f"{o.name} ({o.country})" if o else u.official
            for col, text in enumerate((name, f"{u.sessions} of {u.min_sessions}", u.reason)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.unmatched.setItem(row, col, item)
        self.unmatched.resizeRowsToContents()
        self.unmatched.setVisible(n > 0)
        self.summary_box.show()

    # ------------------------------------------------------------------ closing
    def done(self, result: int) -> None:
        if self.runner is not None and self.is_running():  # closing while solving: stop, then join
            self.runner.cancel()
            self.runner.wait()
        if self.runner is not None:
            self.runner.wait()
        self._ticker.stop()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.runner is not None and self.is_running():
            self.runner.cancel()
            self.runner.wait()
        super().closeEvent(event)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        scenario: Scenario,
        options: SolveOptions | None = None,
        previous: Schedule | None = None,
        title: str = "Solve",
        autostart: bool = False,
    ) -> SolveOutcome | None:
        """Show the dialog; the ``SolveOutcome`` staff chose to use, or None."""
        dlg = cls(scenario, options, previous, title, parent)
        if autostart:
            QTimer.singleShot(0, dlg.start)
        accepted = dlg.exec() == QDialog.DialogCode.Accepted
        outcome = dlg.outcome if accepted else None
        dlg.deleteLater()
        return outcome
