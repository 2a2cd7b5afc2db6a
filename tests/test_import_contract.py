"""The layers' import contract (beside tests/test_no_qt.py): the desktop app (ui/) reaches
the database only through exchange_app.services, never exchange_app.storage or SQLAlchemy."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("exchange_app.storage", "sqlalchemy", "alembic", "psycopg")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def test_ui_reaches_storage_only_through_services():
    files = sorted((ROOT / "ui").rglob("*.py"))
    assert len(files) > 20  # the scan sees the app
    broken = [
        f"{path.relative_to(ROOT)}:{line}: imports {name}"
        for path in files
        for line, name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    ]
    assert broken == [], "\n".join(broken)


def test_the_scan_would_see_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from exchange_app.storage.lock import DatabaseLock\n", "utf-8")
    assert (2, "exchange_app.storage.lock") in _imports(bad)
