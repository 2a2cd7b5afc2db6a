"""Long work off the UI thread.

:class:`SolveRunner` runs ``solve_scenario`` on a *snapshot* (deep copies of the scenario
and of the previous schedule) in a ``QThread``. It reports through signals (delivered on
the UI thread), can be cancelled (the solve then returns the best schedule found so far)
and must be joined with :meth:`SolveRunner.wait` before it is dropped.
"""

from __future__ import annotations

import copy
import threading
import traceback

from PySide6.QtCore import QObject, QThread, Signal, Slot

from exchange_app.domain import Scenario, Schedule
from exchange_app.services.solving import SolveOptions, solve_scenario


class SolveWorker(QObject):
    """Lives in the worker thread; :meth:`run` solves once."""

    progress = Signal(object)  # solver.Progress
    finished = Signal(object)  # SolveOutcome
    failed = Signal(str)

    def __init__(
        self, scenario: Scenario, options: SolveOptions, previous: Schedule | None, cancel: threading.Event
    ):
        super().__init__()
        self.scenario = scenario
        self.options = options
        self.previous = previous
        self.cancel_event = cancel

    @Slot()
    def run(self) -> None:
        try:
            outcome = solve_scenario(
                self.scenario,
                self.options,
                previous=self.previous,
                progress=self.progress.emit,
                cancel=self.cancel_event,
            )
        except Exception as exc:  # reported to the dialog, which shows it
            traceback.print_exc()
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.finished.emit(outcome)
        finally:  # end the thread's event loop here, so wait() never depends on the UI thread
            QThread.currentThread().quit()


class SolveRunner(QObject):
    """Starts, cancels and joins one solve in its own thread."""

    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        scenario: Scenario,
        options: SolveOptions,
        previous: Schedule | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._cancel = threading.Event()
        # The worker gets its own copies: the UI may keep editing while it solves.
        self._worker = SolveWorker(copy.deepcopy(scenario), options, copy.deepcopy(previous), self._cancel)
        self._thread = QThread()
        self._thread.setObjectName("solve")
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self.progress)
        self._worker.finished.connect(self._done)
        self._worker.failed.connect(self._failed)
        self._result = None
        self._running = False

    def start(self) -> None:
        if self._running or self._thread.isFinished():
            raise RuntimeError("a SolveRunner solves once")
        self._running = True
        self._thread.start()

    def cancel(self) -> None:
        """Ask the solve to stop; it still reports ``finished`` with the best schedule so far."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._running

    def wait(self, ms: int = 60_000) -> bool:
        """Join the thread (True when it has ended)."""
        if self._thread.isRunning():
            return self._thread.wait(ms)
        return True

    @Slot(object)
    def _done(self, outcome) -> None:
        self._running = False
        self._thread.quit()
        self._thread.wait()
        self.finished.emit(outcome)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._running = False
        self._thread.quit()
        self._thread.wait()
        self.failed.emit(message)
