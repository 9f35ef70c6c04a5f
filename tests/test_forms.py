"""The count of a refused form's problems (the banner's N): every message at a field and above the form."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from wtforms import FieldList, Form, FormField, StringField

from perf.errors import RuleError, show_on_form
from perf.forms import Kept, problem_count, ticked_ids


class Row(Form):
    value = StringField()
    note = StringField()


class Page(Form):
    name = StringField()
    plan = FieldList(StringField(), min_entries=2)
    rows = FieldList(FormField(Row), min_entries=3)


@pytest.mark.parametrize(
    ("errors", "count"),
    [
        ({}, 0),
        ({"name": ["请填写"]}, 1),
        ({"name": ["请填写", "太长"]}, 2),
        ({"plan.1": ["应为数字"], "rows.2.note": ["太长"]}, 2),
        ({"rows.0.value": ["a"], "rows.1.value": ["b"], "rows.2.note": ["c"]}, 3),
        ({"": ["整张表有误"], "rows.9.value": ["没有这一行"], "name": ["x"]}, 3),  # unplaced ones count above
    ],
)
def test_every_message_placed_on_the_form_is_counted_once(errors, count):
    form = Page()
    show_on_form(form, RuleError(errors))
    assert problem_count(form) == count
    assert problem_count(RuleError(errors)) == count


PATHS = ["name", "plan.0", "plan.1", "rows.0.value", "rows.2.note", "", "rows.7.value"]


@given(st.dictionaries(st.sampled_from(PATHS), st.integers(min_value=1, max_value=3)))
def test_the_form_count_is_the_number_of_messages_of_the_error(sizes):
    errors = {path: [f"{path}-{i}" for i in range(size)] for path, size in sizes.items()}
    form = Page()
    show_on_form(form, RuleError(errors))
    assert problem_count(form) == sum(sizes.values())


def test_a_kept_refusal_and_nothing_count_too():
    assert problem_count(None) == 0
    assert problem_count(Kept({"comment": ["必填"]}, ["状态已变"])) == 2


@pytest.mark.parametrize(
    ("posted", "ids"),
    [
        ([], []),
        (["3", "12"], [3, 12]),
        (["abc", "", "-1", "0", "٣", "1.5", "7"], [7]),  # not ids: left out
        (["99999999999999999999", str(2**31 - 1)], [2**31 - 1]),  # past the largest id names nothing
    ],
)
def test_ticked_ids_keeps_only_ids(app, posted, ids):
    with app.test_request_context("/", method="POST", data={"project_id": posted}):
        assert ticked_ids("project_id") == ids
