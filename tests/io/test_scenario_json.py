"""exchange-scenario/1: bad documents name file, record and field; documents round-trip."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from exchange_app.errors import InputError
from exchange_app.io.scenario_json import parse_scenario, read_scenario, scenario_to_dict, write_scenario
from tests.conftest import GENERATOR
from tests.storage.cases import BAD_CASES, bad_document

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLES = sorted(DATA.glob("sample-*.json"))


def instants(doc):
    """The document with every ``start``/``end`` as a datetime (compare instants, not text)."""
    if isinstance(doc, dict):
        return {
            k: datetime.fromisoformat(v.replace("Z", "+00:00")) if k in ("start", "end") else instants(v)
            for k, v in doc.items()
        }
    if isinstance(doc, list):
        return [instants(x) for x in doc]
    return doc


@pytest.mark.parametrize("case", BAD_CASES, ids=lambda c: c.name)
def test_bad_document_names_record_and_field(tiny_path, case):
    with pytest.raises(InputError) as e:
        parse_scenario(bad_document(tiny_path, case), source="people.json")
    text = e.value.describe()
    assert text.startswith("people.json: refused")
    assert any(
        p.record.startswith(case.record) and (case.field or "") in (p.field or "") and case.words in p.message
        for p in e.value.problems
    ), text


def test_not_json(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "exchange-scenario/1", ', "utf-8")
    with pytest.raises(InputError, match=r"broken.json: file: is not valid JSON"):
        read_scenario(bad)
    with pytest.raises(InputError, match="is not a JSON object"):
        parse_scenario([1, 2])


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_round_trip(path, tmp_path):
    original = read_scenario(path)
    out = tmp_path / "again.json"
    write_scenario(original, out)
    again = read_scenario(out)
    assert again == original
    assert instants(scenario_to_dict(again)) == instants(scenario_to_dict(original))
    raw = json.loads(path.read_text("utf-8"))
    written = json.loads(out.read_text("utf-8"))
    for key in ("topics", "locations", "slots", "officials", "hosts", "interpreters"):
        assert [x["id"] for x in written[key]] == [x["id"] for x in raw.get(key, [])]


@pytest.mark.slow
def test_generated_xl_round_trip(tmp_path):
    if not GENERATOR.exists():
        pytest.skip(f"scenario generator not found at {GENERATOR}")
    xl = tmp_path / "xl.json"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--size", "xl", "--seed", "7", "--out", str(xl)], check=True
    )
    original = read_scenario(xl)
    assert len(original.officials) == 2000
    out = tmp_path / "again.json"
    write_scenario(original, out)
    assert read_scenario(out) == original
