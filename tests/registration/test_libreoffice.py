"""LibreOffice opens registration workbooks and saves them without losing anything: a filled
workbook converted with ``soffice --headless --convert-to xlsx`` reads back the same."""

from __future__ import annotations

import random
import shutil
import subprocess

import pytest

from exchange_app.io import registration as reg
from exchange_app.services import Workspace
from exchange_app.services import registration as service

from .helpers import far_program, fill, random_answers

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice round trip skipped: soffice not installed (apt-get install libreoffice-calc)",
)


def test_libreoffice_keeps_every_answer_and_the_hidden_sheet(tmp_path):
    with Workspace.open(tmp_path / "p.db") as ws:
        pid = ws.import_scenario(far_program())
        made = service.make_workbooks(ws, pid, tmp_path / "out", people=["o-1", "h-2", "i-1"])
        rng = random.Random(5)
        names = {
            "o-1": ("Ana Lima", "official"),
            "h-2": ("Sam Nanook", "host"),
            "i-1": ("Chloé Martin", "interpreter"),
        }
        for book in made.workbooks:
            name, kind = names[book.people[0][1]]
            hours = range(10, 19) if kind == "host" else range(8, 23)
            fill(book.path, name, random_answers(rng, kind, ["Honolulu, Hawaii", "Anchorage, Alaska"], hours))
        converted = tmp_path / "converted"
        profile = tmp_path / "lo-profile"
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(converted),
                *[str(b.path) for b in made.workbooks],
            ],
            check=True,
            capture_output=True,
            timeout=240,
        )
        for book in made.workbooks:
            before = reg.read_workbook(book.path)
            after = reg.read_workbook(converted / book.path.name)
            assert after.findings == [] and after.meta is not None
            assert [f.to_json() for f in after.forms] == [f.to_json() for f in before.forms]
            assert after.meta.payload() == before.meta.payload()
        plan = service.plan_read(ws, pid, [converted])
        assert plan.errors == [] and len(plan.changes) == 3
