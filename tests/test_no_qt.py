"""exchange_app and solver never import Qt (layering: ui -> exchange_app -> solver)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import importlib, json, pkgutil, sys

# Alembic's env.py runs only inside an Alembic command; it is not a module to import.
SKIP = {"exchange_app.storage.migrations.env"}
imported = []
for top in ("exchange_app", "exchange_app.cli", "exchange_app.services", "solver"):
    package = importlib.import_module(top)
    imported.append(top)
    for info in pkgutil.walk_packages(package.__path__, prefix=top + "."):
        if info.name not in SKIP:
            importlib.import_module(info.name)
            imported.append(info.name)
qt = sorted(m for m in sys.modules if m.split(".")[0] == "PySide6")
print(json.dumps({"imported": imported, "qt": qt}))
"""


def test_no_module_of_exchange_app_or_solver_imports_qt():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=env)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert {"exchange_app.cli.core", "exchange_app.services.workspace", "exchange_app.storage.models"} <= set(
        result["imported"]
    )
    assert result["qt"] == [], f"Qt was imported: {result['qt'][:5]}"
