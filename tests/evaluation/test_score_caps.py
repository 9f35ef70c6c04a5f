"""Caps on the self-evaluation total by 预算执行率 (score_caps, off by default): table-driven and hypothesis."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf.evaluation.scoring import capped_total
from perf.evaluation.settings import DEFAULT_SETTINGS, settings_from_config

PROVINCE = settings_from_config({"score_caps": [["80", "89"], ["70", "79"], ["60", "69"], ["50", "59"]]})


@pytest.mark.parametrize(
    ("total", "rate", "expected"),
    [
        (D("95.50"), D("100.00"), D("95.50")),  # fully executed: no cap
        (D("95.50"), D("80.00"), D("95.50")),  # exactly 80 is not below 80
        (D("95.50"), D("79.99"), D("89")),  # 70–80%: 89
        (D("85.00"), D("75.00"), D("85.00")),  # under the cap already
        (D("95.50"), D("70.00"), D("89")),
        (D("95.50"), D("65.00"), D("79")),  # 60–70%: 79
        (D("95.50"), D("55.00"), D("69")),  # under 60%: 69
        (D("95.50"), D("49.99"), D("59")),  # under 50%: 59
        (D("95.50"), D("0.00"), D("59")),
        (D("95.50"), None, D("95.50")),  # a budget of 0 has no rate: no cap
    ],
)
def test_the_provincial_caps(total, rate, expected):
    assert capped_total(total, rate, PROVINCE) == expected


def test_caps_are_off_by_default():
    assert DEFAULT_SETTINGS.score_caps == ()
    assert capped_total(D("95.50"), D("10.00")) == D("95.50")


@pytest.mark.parametrize(
    "caps",
    [
        [["70", "79"], ["80", "89"]],  # rates must decrease
        [["0", "50"]],  # a rate of 0 caps nothing
        [["80", "120"]],  # a cap above 100
        [["80.123", "89"]],  # more than two places
    ],
)
def test_caps_that_make_no_sense_are_refused(caps):
    with pytest.raises(ValueError, match="score_caps"):
        settings_from_config({"score_caps": caps})


money = st.integers(0, 10_000).map(lambda cents: D(cents) / 100)  # 0.00–100.00, two places
rates = st.integers(0, 20_000).map(lambda cents: D(cents) / 100)


@given(total=money, rate=st.one_of(st.none(), rates))
def test_a_cap_only_lowers_and_never_below_the_lowest_applicable(total, rate):
    capped = capped_total(total, rate, PROVINCE)
    assert capped <= total
    if rate is None or rate >= 80:
        assert capped == total
    else:
        assert capped == min(total, min(cap for below, cap in PROVINCE.score_caps if rate < below))


@given(
    total=money,
    low=rates,
    high=rates,
)
def test_more_execution_never_lowers_the_capped_total(total, low, high):
    low, high = sorted((low, high))
    assert capped_total(total, low, PROVINCE) <= capped_total(total, high, PROVINCE)
