"""The page filters: money grouped as finance staff write it, percents and scores not; grouped money reads back."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf.fields import Number
from perf.templating import money, num2


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (D("1231345.6"), "1,231,345.60"),
        (D("123.125"), "123.13"),  # half up
        (D("999.995"), "1,000.00"),
        (D("0"), "0.00"),
        (D("-1500"), "-1,500.00"),  # a refund
        ("98000.00", "98,000.00"),  # a stored snapshot's string
        (None, ""),
    ],
)
def test_money_groups_thousands_with_two_places(value, shown):
    assert money(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(D("95"), "95.00"), (D("1234.5"), "1234.50"), (D("89.355"), "89.36"), (None, "")],
)
def test_percents_and_scores_are_not_grouped(value, shown):
    assert num2(value) == shown


@given(st.decimals(min_value=0, max_value=D("999999999999.99"), places=2))
def test_grouped_money_reads_back_as_the_same_amount(value):
    """A grouped amount pasted back into a money input loads to the same Decimal."""
    assert Number("金额")._deserialize(money(value), "amount", {}) == value
