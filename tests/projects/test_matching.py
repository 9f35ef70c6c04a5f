"""Matching a replacing table's rows to the stored ones by (一级, 二级, 三级): table-driven cases and properties."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf.projects.matching import key_of, match_rows, reconcile, row_key

FIELDS = ("level1", "level2", "name", "description", "value_text", "basis")


def row(name, value="≥90%", level1="产出指标", level2="数量指标", description="", basis=""):
    return {
        "level1": level1,
        "level2": level2,
        "name": name,
        "value_text": value,
        "description": description,
        "basis": basis,
    }


# (case, stored keys, new keys, pairs, dropped, added)
MATCHES = [
    ("identical", "abc", "abc", ((0, 0), (1, 1), (2, 2)), (), ()),
    ("reordered", "abc", "cab", ((2, 0), (0, 1), (1, 2)), (), ()),
    ("one removed", "abc", "ac", ((0, 0), (2, 1)), (1,), ()),
    ("one added", "ab", "axb", ((0, 0), (1, 2)), (), (1,)),
    ("all new", "ab", "xy", (), (0, 1), (0, 1)),
    ("empty before", "", "ab", (), (), (0, 1)),
    ("empty after", "ab", "", (), (0, 1), ()),
    ("a duplicate pairs in order of appearance", "aba", "aab", ((0, 0), (2, 1), (1, 2)), (), ()),
    ("the second of a duplicate removed: the last one is dropped", "aab", "ab", ((0, 0), (2, 1)), (1,), ()),
    ("a duplicate added after the first", "ab", "aba", ((0, 0), (1, 1)), (), (2,)),
    ("three of a kind against two", "aaa", "aa", ((0, 0), (1, 1)), (2,), ()),
]


@pytest.mark.parametrize(("case", "old", "new", "pairs", "dropped", "added"), MATCHES, ids=[m[0] for m in MATCHES])
def test_match_rows(case, old, new, pairs, dropped, added):
    match = match_rows(list(old), list(new))
    assert (match.pairs, match.dropped, match.added) == (pairs, dropped, added)


# (case, stored, new, kept names, changed names, dropped names, added names)
RECONCILED = [
    ("same table", [row("a"), row("b")], [row("a"), row("b")], ["a", "b"], [], [], []),
    ("a new 指标值 is a change", [row("a"), row("b")], [row("a", "≥95%"), row("b")], ["b"], ["a"], [], []),
    ("a new 描述 is a change", [row("a")], [row("a", description="按月统计")], [], ["a"], [], []),
    ("a new 依据 is a change", [row("a")], [row("a", basis="台账")], [], ["a"], [], []),
    ("moving a row is no change", [row("a"), row("b")], [row("b"), row("a")], ["b", "a"], [], [], []),
    ("another 二级 is another indicator", [row("a")], [row("a", level2="质量指标")], [], [], ["a"], ["a"]),
    ("another 一级 is another indicator", [row("a")], [row("a", level1="效益指标")], [], [], ["a"], ["a"]),
    ("a renamed 三级 is dropped and added", [row("a")], [row("a2")], [], [], ["a"], ["a2"]),
    (
        "full-width brackets and spaces match (and the text is a change)",
        [row("委托业务完成及时率(%)")],
        [row("委托业务完成及时率（%） ")],
        [],
        ["委托业务完成及时率（%） "],
        [],
        [],
    ),
    (
        "the same 三级 twice: first with first, second with second",
        [row("a", "1人"), row("a", "2人")],
        [row("a", "1人"), row("a", "3人")],
        ["a"],
        ["a"],
        [],
        [],
    ),
    ("blank and missing description are the same", [{**row("a"), "description": None}], [row("a")], ["a"], [], [], []),
]


@pytest.mark.parametrize(
    ("case", "old", "new", "kept", "changed", "dropped", "added"), RECONCILED, ids=[r[0] for r in RECONCILED]
)
def test_reconcile(case, old, new, kept, changed, dropped, added):
    plan = reconcile(old, new, FIELDS)
    assert [new[j]["name"] for _, j in plan.kept] == kept
    assert [new[j]["name"] for _, j in plan.changed] == changed
    assert [old[i]["name"] for i in plan.dropped] == dropped
    assert [new[j]["name"] for j in plan.added] == added


def test_the_duplicate_pairs_in_order_of_appearance():
    plan = reconcile([row("a", "1人"), row("a", "2人")], [row("a", "1人"), row("a", "3人")], FIELDS)
    assert plan.kept == ((0, 0),) and plan.changed == ((1, 1),)


@pytest.mark.parametrize(
    ("parts", "key"),
    [
        (("产出指标", "数量指标", "提供材料比例"), ("产出指标", "数量指标", "提供材料比例")),
        ((" 产出指标", "数量 指标", "提供材料比例\n"), ("产出指标", "数量指标", "提供材料比例")),
        (("产出指标", "时效指标", "及时率（％）"), ("产出指标", "时效指标", "及时率(%)")),
        (("", "", ""), ("", "", "")),
    ],
)
def test_key_of(parts, key):
    assert key_of(*parts) == key


# --- properties -------------------------------------------------------------------------------------

keys = st.lists(st.sampled_from("abcde"), max_size=12)


@given(keys, keys)
def test_every_row_is_paired_dropped_or_added_exactly_once(old, new):
    match = match_rows(old, new)
    assert sorted([i for i, _ in match.pairs] + list(match.dropped)) == list(range(len(old)))
    assert sorted([j for _, j in match.pairs] + list(match.added)) == list(range(len(new)))


@given(keys, keys)
def test_pairs_have_one_key_and_as_many_as_both_sides_hold(old, new):
    match = match_rows(old, new)
    assert all(old[i] == new[j] for i, j in match.pairs)
    held_old, held_new = Counter(old), Counter(new)
    paired = Counter(old[i] for i, _ in match.pairs)
    assert paired == Counter({key: min(held_old[key], held_new[key]) for key in held_old if key in held_new})
    # nothing dropped could have been paired with something added
    assert not {old[i] for i in match.dropped} & {new[j] for j in match.added}


@given(keys, keys)
def test_a_key_held_twice_pairs_in_order_of_appearance(old, new):
    match = match_rows(old, new)
    assert [j for _, j in match.pairs] == sorted(j for _, j in match.pairs)
    for key in set(old):
        stored = [i for i, j in match.pairs if old[i] == key]
        assert stored == sorted(stored)
        assert stored == [i for i, k in enumerate(old) if k == key][: len(stored)]


@given(keys)
def test_the_same_table_keeps_every_row_in_place(old):
    assert match_rows(old, old).pairs == tuple((i, i) for i in range(len(old)))


@given(keys, st.randoms(use_true_random=False))
def test_a_reordered_table_drops_and_adds_nothing(old, random):
    new = list(old)
    random.shuffle(new)
    match = match_rows(old, new)
    assert match.dropped == () and match.added == ()


rows = st.lists(
    st.builds(
        row, st.sampled_from("ab"), st.sampled_from(["≥90%", "7人"]), level2=st.sampled_from(["数量指标", "质量指标"])
    ),
    max_size=8,
)


@given(rows, rows)
def test_reconcile_splits_the_matched_rows_by_their_content(old, new):
    plan = reconcile(old, new, FIELDS)
    match = match_rows([row_key(r) for r in old], [row_key(r) for r in new])
    assert plan.pairs == match.pairs and plan.dropped == match.dropped and plan.added == match.added
    assert all(old[i] == new[j] for i, j in plan.kept)
    assert all(old[i] != new[j] for i, j in plan.changed)
