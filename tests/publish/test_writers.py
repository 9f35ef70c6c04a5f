"""The writers as pure functions: amounts exactly as stored, the 指标值 split only where it joins back, and
the flat table's 资金支出计划 columns read back (with their problems by row)."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf.documents.disclosure import load_disclosure
from perf.documents.flat import _value_text, load_targets
from perf.projects.indicators import value_fields
from perf.publish import docx, xlsx
from perf.publish.model import Publication, PublishedIndicator, PublishedProject, PublishedUnit, exact, percent_text


@pytest.mark.parametrize(
    ("stored", "written"),
    [("28", "28.00"), ("28.00", "28.00"), ("330.984", "330.984"), ("0.000001", "0.000001"), ("12.500000", "12.50")],
)
def test_amounts_are_written_exactly_as_stored(stored, written):
    assert exact(Decimal(stored)) == written


@pytest.mark.parametrize(("stored", "written"), [("15.00", "15%"), ("12.50", "12.5%"), ("100", "100%"), ("0", "0%")])
def test_plan_percents_as_published(stored, written):
    assert percent_text(Decimal(stored)) == written


def indicator(value: str, level2="数量指标", weight=None) -> PublishedIndicator:
    parsed = value_fields(value, "产出指标", level2)
    return PublishedIndicator(
        "产出指标",
        level2,
        "指标",
        "",
        value,
        "",
        parsed["comparator"],
        parsed["target"],
        parsed["unit"],
        parsed["kind"],
        parsed["direction"],
        weight,
    )


@pytest.mark.parametrize(
    ("value", "cells"),
    [
        ("≥40%", ("≥", "40", "%")),
        ("≤28万元", ("≤", "28", "万元")),
        ("100%", ("", "100", "%")),
        ("=3.50人", ("=", "3.50", "人")),
        ("≥95%以上", ("≥", "≥95%以上", "")),  # does not split: the whole 指标值, no unit to add
        ("长期使用", ("定性", "长期使用", "")),
        ("3个月内完成整改", ("定性", "3个月内完成整改", "")),
    ],
)
def test_the_value_is_split_like_the_exports_only_where_it_joins_back(value, cells):
    assert xlsx.split_value(indicator(value)) == cells


VALUES = st.builds(
    lambda comparator, number, unit: f"{comparator}{number}{unit}",
    st.sampled_from(["≥", "≤", "=", ">", "<", "", "不低于"]),
    st.decimals(0, 10**6, places=2).map(str),
    st.sampled_from(["%", "人", "万元", "元/人", "‰", "分钟", "", "个以上", "人次"]),
) | st.text(alphabet="长期使用达到预期3个月内完成整改≥%", min_size=1, max_size=12)


@given(value=VALUES)
def test_the_flat_reader_joins_the_split_back_to_the_same_value_and_parse(value):
    ind = indicator(value)
    nature, text, measure = xlsx.split_value(ind)
    joined, problem = _value_text({"value": text, "nature": nature, "measure": measure, "indicator": "指标"})
    assert problem is None and joined == value
    hint = None if nature == "定性" else (measure or None)
    assert value_fields(joined, "产出指标", "数量指标", hint) == value_fields(value, "产出指标", "数量指标")


def publication(
    plan=(Decimal(15), Decimal(30), Decimal(85), Decimal(100)), weights=(Decimal(50), None), other="30.984"
) -> Publication:
    unit = PublishedUnit("甲单位", "820001", "行政", "正科级", "财政拨款")
    project = PublishedProject(
        code="P1",
        name="道路养护",
        unit=unit,
        total=Decimal(300) + Decimal(other),
        fiscal=Decimal(300),
        other=Decimal(other),
        purpose="养护道路\n两条",
        goal="道路完好",
        plan=tuple(plan),
        indicators=(indicator("≥35公里", weight=weights[0]), indicator("≤330.984万元", "成本指标", weights[1])),
    )
    return Publication("820", "马踏镇", 2024, ("3月底", "6月底", "10月底", "12月底"), (unit,), (project,))


def test_the_flat_table_reads_back_with_its_plan_weights_and_exact_amounts():
    read = load_targets(xlsx.to_bytes(publication()), "x.xlsx")
    assert read.problems == [] and read.ignored_columns == []
    (table,) = read.projects
    assert (read.department_code, read.department_name, read.year) == ("820", "马踏镇", 2024)
    assert (table.total, table.fiscal, table.other) == (Decimal("330.984"), Decimal(300), Decimal("30.984"))
    assert table.purpose == "养护道路\n两条" and table.unit == "甲单位" and read.units[0].code == "820001"
    assert [(day, pct) for day, _, pct in table.plan] == [
        (date(2024, 3, 31), 15),
        (date(2024, 6, 30), 30),
        (date(2024, 10, 31), 85),
        (date(2024, 12, 31), 100),
    ]
    assert [r.value for r in table.indicators] == ["≥35公里", "≤330.984万元"]
    assert read.weights["P1"] == [Decimal(50), None]


def test_a_plan_that_goes_down_is_a_problem_of_its_row():
    book = openpyxl.load_workbook(io.BytesIO(xlsx.to_bytes(publication())))
    sheet = book.active
    column = next(c.column for c in sheet[3] if c.value == "6月底累计支出计划（%）")
    sheet.cell(5, column, 10)
    out = io.BytesIO()
    book.save(out)
    read = load_targets(out.getvalue(), "x.xlsx")
    assert [str(p) for p in read.problems] == ["第5行：6月底的计划支出进度 10% 低于上一节点的 15%，累计进度不能下降"]


def test_a_flat_table_without_a_plan_has_none():
    read = load_targets(xlsx.to_bytes(publication(plan=())), "x.xlsx")
    assert read.problems == [] and read.projects[0].plan == []


def test_the_word_document_reads_back_with_its_unit_and_amounts():
    # two places: the document reader takes no more until amounts are stored exactly (issue 13 item 2)
    read = load_disclosure(docx.to_bytes(publication(other="30.98")), "x.docx")
    assert read.problems == [], [str(p) for p in read.problems]
    (table,) = read.projects
    assert (read.department_code, read.department_name, read.year) == ("820", "马踏镇", 2024)
    assert (table.code, table.name, table.unit, table.purpose, table.goal) == (
        "P1",
        "道路养护",
        "甲单位",
        "养护道路\n两条",
        "道路完好",
    )
    assert [(u.name, u.nature, u.rank, u.funding) for u in read.units] == [("甲单位", "行政", "正科级", "财政拨款")]
    assert [pct for _, _, pct in table.plan] == [15, 30, 85, 100]
    assert [(r.level1, r.level2, r.value) for r in table.indicators] == [
        ("产出指标", "数量指标", "≥35公里"),
        ("产出指标", "成本指标", "≤330.984万元"),
    ]


def test_many_checkpoints_widen_the_plan_row():
    labels = tuple(f"{m}月底" for m in range(1, 13))
    project = publication(other="30.98").projects[0]
    plan = (*(Decimal(m * 5) for m in range(1, 12)), Decimal(100))
    twelve = PublishedProject(**{**project.__dict__, "plan": plan})
    read = load_disclosure(docx.to_bytes(Publication("820", "马踏镇", 2024, labels, (), (twelve,))), "x.docx")
    assert read.problems == [] and len(read.projects[0].plan) == 12
