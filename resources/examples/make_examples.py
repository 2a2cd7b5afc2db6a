"""Make the example people sheets in this folder from tests/data/sample-small.json.

    .venv/bin/python resources/examples/make_examples.py

Writes ``program-without-people.json`` (the sample program's topics, sites and slots, no
people), ``people.xlsx`` (sheets Officials, Hosts, Interpreters, Availability) and
``officials.csv``, ``hosts.csv``, ``interpreters.csv`` (availability as text). Importing
the scenario and then a sheet gives back the sample's people (see docs/spreadsheets.md).
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from exchange_app.domain import PersonKind  # noqa: E402
from exchange_app.io.scenario_json import read_scenario, write_scenario  # noqa: E402
from exchange_app.io.spreadsheets import write_people_csv, write_people_workbook  # noqa: E402


def main(source: Path = ROOT / "tests" / "data" / "sample-small.json", out: Path = HERE) -> None:
    scenario = read_scenario(source)
    empty = copy.copy(scenario)
    empty.officials, empty.hosts, empty.interpreters, empty.pins, empty.forbidden = [], [], [], [], []
    write_scenario(empty, out / "program-without-people.json")
    write_people_workbook(scenario, out / "people.xlsx")
    for kind in PersonKind:
        write_people_csv(scenario, kind, out / f"{kind.value}s.csv")
    print(f"wrote examples to {out}")


if __name__ == "__main__":
    main()
