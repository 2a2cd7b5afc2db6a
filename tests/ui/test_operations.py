"""The one background-operation helper: the event loop keeps turning while work runs,
results and errors come back on the UI thread, errors end in one dialog, cancel works."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QTimer

from exchange_app.errors import ConflictError
from ui import operations
from ui.operations import OpContext, op


def slow_count(ctx: OpContext, steps: int = 12, pause: float = 0.05) -> list[str]:
    threads = []
    for i in range(steps):
        if ctx.cancelled:
            break
        time.sleep(pause)  # stands for a slow query, a pg_dump, a solve
        threads.append(threading.current_thread().name)
        ctx.step(i + 1, steps, f"step {i + 1}")
        ctx.report(i)
    return threads


def test_the_event_loop_keeps_turning_during_a_slow_operation(qtbot):
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)
    got: list[list[str]] = []
    reports: list[object] = []
    on_ui: list[str] = []
    started = time.monotonic()
    operation = (
        op(None, "Counting", slow_count)
        .success(lambda v: (got.append(v), on_ui.append(threading.current_thread().name)))
        .progress(reports.append)
        .with_progress("Counting…")
        .run_in_background()
    )
    assert operation.is_running()  # run_in_background returned at once
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    timer.stop()
    took = time.monotonic() - started
    # the UI thread ran its timer all along: many ticks, none of them far apart
    assert len(ticks) >= 10, (len(ticks), took)
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert max(gaps) < 0.5, max(gaps)
    assert got[0] and set(got[0]) != {threading.main_thread().name}  # the work ran elsewhere
    assert on_ui == [threading.main_thread().name]  # the result came back to the UI thread
    assert reports == list(range(12))
    assert not operation.is_running() and operation not in operations.running()


def test_errors_end_in_the_one_dialog(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(operations, "show_error", lambda parent, title, exc: shown.append((title, exc)))

    def conflict(_ctx):
        raise ConflictError("Official o-1 (Ann) was changed by bea at 10:02")

    def crash(_ctx):
        raise KeyError("slot")

    finals = []
    first = op(None, "Saving", conflict).finally_(lambda: finals.append(1)).run_in_background()
    second = op(None, "Loading", crash).run_in_background()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=10_000)
    assert {t for t, _ in shown} == {"Saving failed", "Loading failed"}
    assert finals == [1]
    assert isinstance(first.error, ConflictError) and isinstance(second.error, KeyError)


def test_error_text_has_words_and_no_traceback():
    assert operations.error_text(ConflictError("changed by bea")) == "changed by bea"
    text = operations.error_text(KeyError("slot"))
    assert "unexpected" in text and "KeyError" in text and "Traceback" not in text


def test_failure_callback_replaces_the_dialog_and_cancel_stops(qtbot, monkeypatch):
    monkeypatch.setattr(operations, "show_error", lambda *a: (_ for _ in ()).throw(AssertionError(a)))
    failed = []
    op(None, "x", lambda _c: 1 / 0).failure(failed.append).run_in_background().wait()
    assert isinstance(failed[0], ZeroDivisionError)

    done = []
    operation = op(None, "Counting", lambda c: slow_count(c, steps=200)).success(done.append)
    operation.with_progress("Counting…", cancellable=True).run_in_background()
    qtbot.wait(60)
    operation.cancel()
    assert operation.wait(10_000)
    assert done and len(done[0]) < 200 and operation.cancelled


def test_reports_come_in_order_on_the_ui_thread_and_none_after_done(qtbot):
    # a helper thread of the work (the solver's bounds, say) may report once the work has
    # returned; staff must not see it after the result (the solve dialog's phase said
    # "bounds" after "stopped")
    late = threading.Event()
    seen: list[tuple[object, str]] = []
    done: list[object] = []

    def work(ctx: OpContext) -> str:
        for i in range(50):
            ctx.report(i)

        def straggler() -> None:
            time.sleep(0.05)
            ctx.report("late")
            late.set()

        threading.Thread(target=straggler).start()
        return "result"

    operation = (
        op(None, "Reporting", work)
        .progress(lambda v: seen.append((v, threading.current_thread().name)))
        .success(done.append)
        .run_in_background()
    )
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    assert late.wait(5)
    qtbot.wait(100)  # the UI thread's timer had its chance to hand on the late report
    assert operation.wait() and done == ["result"]
    assert [v for v, _ in seen] == list(range(50))
    assert {name for _, name in seen} == {threading.main_thread().name}
