"""A check writes a violation's message only when it is read, and the CLI's verdict on a
schedule that breaks thousands of rules stays short (issue 14: ``check`` stays linear)."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from exchange_app.cli.core import CHECK_SHOWN, print_check
from exchange_app.domain import Schedule
from exchange_app.rules import RuleContext, Violation, check_schedule
from tests.rules.helpers import make_scenario, make_schedule


def _hostile(n: int) -> Schedule:
    """``n`` copies of S1 with their own ids: double bookings, limits and size broken n times."""
    s1 = make_schedule().sessions[0]
    return Schedule(sessions=[replace(s1, id=f"X{i:03d}", officials=list(s1.officials)) for i in range(n)])


def test_check_writes_no_message_until_one_is_read(monkeypatch):
    sc = make_scenario()
    calls = {"who": 0, "slot_label": 0}
    for name in calls:
        real = getattr(RuleContext, name)

        def counted(self, *a, _real=real, _name=name):
            calls[_name] += 1
            return _real(self, *a)

        monkeypatch.setattr(RuleContext, name, counted)
    report = check_schedule(sc, _hostile(40))
    assert len(report.violations) > 100
    assert calls == {"who": 0, "slot_label": 0}
    v = next(v for v in report.violations if v.code == "double-booked")
    text = v.message
    assert calls["who"] >= 1 and calls["slot_label"] >= 1
    assert "is in two sessions at once" in text and v.detail in text and v.session in text
    assert v.message is text  # written once, then kept


def test_message_may_be_text_or_a_function_and_violations_stay_immutable():
    written = []

    def later() -> str:
        written.append(1)
        return "Late text."

    lazy = Violation(1, "unknown-host", later, "S1", "h1")
    plain = Violation(1, "unknown-host", "Late text.", "S1", "h1")
    assert written == []
    assert lazy == plain and hash(lazy) == hash(plain) and written == [1]
    assert lazy != Violation(1, "unknown-host", "Other text.", "S1", "h1")
    with pytest.raises(AttributeError):
        lazy.message = "x"  # type: ignore[misc]
    import copy
    import pickle

    fresh = Violation(9, "pin-not-kept", later, None, "o1", "h1@d1", count=2)
    for back in (pickle.loads(pickle.dumps(fresh)), copy.deepcopy(fresh)):
        assert back == fresh and back.count == 2 and back.detail == "h1@d1"
    twice = plain.repeated(3)
    assert twice.count == 3 and twice.key == plain.key and twice.message == "Late text. (3 times)"


def test_cli_verdict_lists_the_first_of_each_rule_and_counts_the_rest():
    sc, schedule = make_scenario(), _hostile(60)
    report = check_schedule(sc, schedule)
    by_rule = report.by_rule()
    big = {r: vs for r, vs in by_rule.items() if len(vs) > CHECK_SHOWN}
    assert big, "the hostile schedule breaks some rule more than CHECK_SHOWN times"
    out = io.StringIO()
    print_check(sc, schedule, report, "hostile", out, shown=CHECK_SHOWN)
    lines = out.getvalue().splitlines()
    for rule, vs in by_rule.items():
        listed = [x for x in lines if x.startswith(f"  {rule}  ")]
        assert len(listed) == min(len(vs), CHECK_SHOWN)
        more = [
            x for x in lines if f"more problems of rule {rule} " in x or f"more problem of rule {rule} " in x
        ]
        if rule in big:
            assert len(more) == 1 and f"{len(vs) - CHECK_SHOWN:,} more" in more[0]
            codes = {v.code for v in vs[CHECK_SHOWN:]}
            assert all(code in more[0] for code in codes) and "--all" in more[0]
        else:
            assert more == []
    everything = io.StringIO()
    print_check(sc, schedule, report, "hostile", everything)
    assert sum(1 for x in everything.getvalue().splitlines() if x[:4].strip().isdigit()) == len(
        report.violations
    )
    assert len(lines) < len(everything.getvalue().splitlines())
