"""Dialogs of the desktop app. Each has an ``ask(...)`` classmethod returning plain values
(tests monkeypatch it)."""
