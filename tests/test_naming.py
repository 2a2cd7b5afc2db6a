"""Names for people, hosts, sites and times, and plain numbers (exchange_app.naming)."""

from __future__ import annotations

from exchange_app.domain import Mode, Session
from exchange_app.io.scenario_json import read_scenario
from exchange_app.naming import Names, number, plural


def test_numbers_and_plurals_are_plain():
    assert plural(1, "official") == "1 official"
    assert plural(2, "official") == "2 officials"
    assert plural(0, "session") == "0 sessions"
    assert number(1444520.0) == "1,444,520"
    assert number(5.44) == "5.4"
    assert "e+" not in number(1.44452e06)


def test_a_meeting_reads_like_the_window(small_path):
    sc = read_scenario(small_path)
    names = Names(sc)
    o, h = sc.officials[0], sc.hosts[0]
    slot = sc.slots[0]
    text = names.meeting(o.id, h.id, slot.id)
    site = sc.locations_by_id()[h.location]
    assert text.startswith(f"{o.name} ({o.id}) with {h.name}, ")
    assert text.endswith(", " + site.name.split(",")[0])
    local = slot.start.astimezone(__import__("zoneinfo").ZoneInfo(site.timezone))
    assert f"{local:%H:%M} {local.tzname()}" in text
    s = Session(id="s1", host=h.id, slot=slot.id, topic=sc.topics[0].id, language="en", officials=[o.id])
    assert names.session(s, officials=True).endswith("(1 official)")
    assert "by video" in names.session(
        Session(id="s2", host=h.id, slot=slot.id, topic="x", language="en", mode=Mode.VIRTUAL)
    )
    assert names.official("nobody") == "unknown official nobody"


def test_quality_in_staff_words():
    from exchange_app.naming import quality_words

    assert quality_words(132, 150, 1_580, 138, 1_650) == (
        "132 of 150 reach their minimum; at most 138 possible; interest within 4.2% of the best possible"
    )
    assert "no more are possible" in quality_words(150, 150, 1_000, 150, 1_000)
    # a bound below what was found cannot happen for a proof; never print "at most 120"
    assert "no more are possible" in quality_words(130, 150, 1_000, 120, 1_000)
    assert quality_words(3, 4, 10, None, None) == (
        "3 of 4 reach their minimum; the most possible is not proven; the best possible interest is not proven"
    )
    assert quality_words(4, 4, 100, 4, 100).endswith("; no more are possible; interest at the best possible")
    assert "at most 4 possible" in quality_words(2, 4, 100, 9, 200)  # never more than there are officials
    assert "within 50.0%" in quality_words(2, 4, 100, 9, 200)
