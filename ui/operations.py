"""One way to run long work off the UI thread (after Anki's ``aqt/operations`` QueryOp).

::

    op(parent, "Importing people", lambda ctx: service.import_rows(...))
        .success(self._imported)
        .failure(self._failed)          # optional: the default shows :func:`show_error`
        .with_progress("Importing…")    # optional: a window-modal progress dialog
        .run_in_background()

The function runs in a worker thread and gets an :class:`OpContext`: ``ctx.report(x)``
sends ``x`` to the ``progress`` callback (on the UI thread), ``ctx.step(done, total, text)``
moves the progress dialog, ``ctx.cancelled`` is True once staff pressed Cancel (only with
``with_progress(..., cancellable=True)``). ``success`` and ``failure`` run on the UI thread.

Every error ends in ONE place, :func:`show_error`: an :class:`~exchange_app.errors.ExchangeError`
is shown with its own words; anything else as "an unexpected error" with its type and
message (the traceback goes to the log, never to the dialog). Every operation is joined
in teardown: :func:`wait_all` (the main window calls it before closing the database).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QCoreApplication, Qt, QThread, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from exchange_app.errors import ExchangeError

T = TypeVar("T")
log = logging.getLogger(__name__)

_running: set[Operation[Any]] = set()


def error_text(exc: BaseException) -> str:
    """The words staff see for ``exc``: its own message for the project's errors, else a
    plain "unexpected error" line (type and message, no traceback)."""
    if isinstance(exc, ExchangeError):
        return str(exc) or type(exc).__name__
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (
        f"An unexpected error stopped this: {type(exc).__name__}"
        + (f": {detail}" if detail else "")
        + ".\nNothing else was changed. If it happens again, tell whoever looks after the app."
    )


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """The one dialog for a failed action (tests monkeypatch this)."""
    if not isinstance(exc, ExchangeError):
        log.error("%s failed", title, exc_info=exc)
    QMessageBox.warning(parent, title, error_text(exc))


class OpContext:
    """Handed to the background function: progress, steps and the cancel flag."""

    def __init__(self, mailbox: _Mailbox, cancel: threading.Event):
        self._mailbox = mailbox
        self._cancel = cancel

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def cancel_event(self) -> threading.Event:
        return self._cancel

    def report(self, value: object) -> None:
        """Send ``value`` to the ``progress`` callback (UI thread)."""
        self._mailbox.post("progress", value)

    def step(self, done: int, total: int, text: str = "") -> None:
        """Move the progress dialog to ``done`` of ``total``."""
        self._mailbox.post("step", done, total, text)


class _Mailbox:
    """From the worker thread to the UI thread without a Qt call on the worker: the worker
    puts its reports in a thread-safe queue, and one timer on the UI thread (owned by the
    application, so never deleted while it fires) hands them, in order, to the operation.
    (A queued cross-thread signal carrying a Python object crashed the test process once
    in CI, inside the event loop; a queue touches nothing of Qt's.) After ``done`` the
    mailbox lets go of the operation's callbacks, so no reference cycle is left for the
    garbage collector to break at some random moment."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self.on_progress: Callable[[Any], None] | None = None
        self.on_step: Callable[[int, int, str], None] | None = None
        self.on_done: Callable[[Any, BaseException | None], None] | None = None
        self._closed = False

    def post(self, kind: str, *args: Any) -> None:
        """Any thread."""
        self._queue.put((kind, *args))

    def start(self) -> None:
        """UI thread: deliver what arrives, every few milliseconds, until ``done``."""
        _open_mailboxes.add(self)
        _pump().start()

    def deliver(self) -> None:
        """UI thread: hand every report waiting to its callback."""
        while not self._closed:
            try:
                kind, *args = self._queue.get_nowait()
            except queue.Empty:
                return
            if kind == "done":
                # the operation's last word: a report that comes later (a helper thread of
                # the work still finishing, say) has no one to tell any more
                self._closed = True
                _open_mailboxes.discard(self)
                on_done = self.on_done
                self.on_done = self.on_progress = self.on_step = None
                if on_done is not None:
                    on_done(args[0], args[1] if isinstance(args[1], BaseException) else None)
            elif kind == "step":
                if self.on_step is not None:
                    self.on_step(*args)
            elif self.on_progress is not None:
                self.on_progress(args[0])


POLL_MS = 30
_open_mailboxes: set[_Mailbox] = set()
_pump_timer: QTimer | None = None


def _deliver_all() -> None:
    for mailbox in list(_open_mailboxes):
        mailbox.deliver()
    if not _open_mailboxes and _pump_timer is not None:
        _pump_timer.stop()


def _pump() -> QTimer:
    """The one timer that delivers every operation's reports (UI thread)."""
    global _pump_timer
    if _pump_timer is None:
        _pump_timer = QTimer(QCoreApplication.instance())
        _pump_timer.setInterval(POLL_MS)
        _pump_timer.timeout.connect(_deliver_all)
    return _pump_timer


class _Thread(QThread):
    def __init__(self, fn: Callable[[], None]):
        super().__init__()
        self._fn = fn

    def run(self) -> None:
        self._fn()


class Operation(Generic[T]):
    """Build with :func:`op`, then :meth:`run_in_background` once."""

    def __init__(self, parent: QWidget | None, title: str, fn: Callable[[OpContext], T]):
        self.parent, self.title, self._fn = parent, title, fn
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._progress_cb: Callable[[Any], None] | None = None
        self._finally: Callable[[], None] | None = None
        self._label: str | None = None
        self._cancellable = False
        self._dialog: QProgressDialog | None = None
        self._cancel = threading.Event()
        self._mailbox = _Mailbox()
        self._thread: _Thread | None = None
        self._finished = False
        self.value: T | None = None
        self.error: BaseException | None = None

    # ------------------------------------------------------------------ building
    def success(self, cb: Callable[[T], None]) -> Operation[T]:
        self._success = cb
        return self

    def failure(self, cb: Callable[[BaseException], None]) -> Operation[T]:
        self._failure = cb
        return self

    def progress(self, cb: Callable[[Any], None]) -> Operation[T]:
        self._progress_cb = cb
        return self

    def finally_(self, cb: Callable[[], None]) -> Operation[T]:
        """Runs on the UI thread after success or failure (to re-enable buttons, say)."""
        self._finally = cb
        return self

    def with_progress(self, label: str | None = None, cancellable: bool = False) -> Operation[T]:
        self._label = label or f"{self.title}…"
        self._cancellable = cancellable
        return self

    # ------------------------------------------------------------------ running
    def run_in_background(self) -> Operation[T]:
        if self._thread is not None:
            raise RuntimeError("an operation runs once")
        ctx = OpContext(self._mailbox, self._cancel)
        self._mailbox.on_done = self._on_done
        self._mailbox.on_progress = self._progress_cb
        if self._label is not None:
            self._open_dialog()

        def work() -> None:
            try:
                value = self._fn(ctx)
            except Exception as exc:  # handed to the UI thread, which shows it in one place
                self._mailbox.post("done", None, exc)
            else:
                self._mailbox.post("done", value, None)

        self._thread = _Thread(work)
        self._thread.setObjectName(self.title)
        _running.add(self)
        self._mailbox.start()
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the work to stop (it reads ``ctx.cancelled``); it still reports back."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._thread is not None and not self._finished

    def wait(self, ms: int = 120_000) -> bool:
        """Join the worker thread and deliver its result now (teardown, tests)."""
        if self._thread is None:
            return True
        ok = self._thread.wait(ms)
        if ok:
            self._mailbox.deliver()  # what the worker reported, ``done`` last, if not yet delivered
        return ok

    def _open_dialog(self) -> None:
        dlg = QProgressDialog(self._label or "", "Cancel" if self._cancellable else "", 0, 0, self.parent)
        if not self._cancellable:
            dlg.setCancelButton(None)  # Qt: None removes the button
        dlg.setWindowTitle(self.title)
        dlg.setAccessibleName(f"{self.title} in progress")
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(400)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.canceled.connect(self._cancel_pressed)
        self._mailbox.on_step = self._on_step
        self._dialog = dlg

    def _cancel_pressed(self) -> None:
        self.cancel()
        if self._dialog is not None:
            self._dialog.setLabelText("Stopping…")

    def _on_step(self, done: int, total: int, text: str) -> None:
        dlg = self._dialog
        if dlg is None or self._finished:
            return
        if text:
            dlg.setLabelText(text)
        dlg.setMaximum(max(total, 0))
        dlg.setValue(min(done, total) if total > 0 else 0)  # a modal dialog may run the event loop here

    def _on_done(self, value: Any, exc: BaseException | None) -> None:
        if self._finished:
            return
        self._finished = True
        if self._thread is not None:
            self._thread.wait()
        if self._dialog is not None:
            self._dialog.canceled.disconnect(self._cancel_pressed)
            self._dialog.reset()
            self._dialog.deleteLater()
            self._dialog = None
        _running.discard(self)
        try:
            if exc is None:
                self.value = value
                if self._success is not None:
                    self._success(value)
            else:
                self.error = exc
                if self._failure is not None:
                    self._failure(exc)
                else:
                    show_error(self.parent, f"{self.title} failed", exc)
        finally:
            if self._finally is not None:
                self._finally()


def op(parent: QWidget | None, title: str, fn: Callable[[OpContext], T]) -> Operation[T]:
    """An operation titled ``title`` (used in its progress and error dialogs) running ``fn``."""
    return Operation(parent, title, fn)


def running() -> list[Operation[Any]]:
    return list(_running)


def wait_all(ms: int = 120_000) -> bool:
    """Cancel nothing, join every running operation and deliver their results (teardown)."""
    ok = True
    while ok and _running:  # an operation's success may start the next one
        for operation in list(_running):
            ok = operation.wait(ms) and ok
    return ok
