"""The SVG bar charts of the department summary: pure functions, no database."""

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from perf.evaluation.reports import charts
from perf.evaluation.reports.charts import Group, Guide, Series, axis_max, bar_chart, display_width, fit, num
from perf.evaluation.scoring import DEFAULT_GRADES

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def bars(svg, series: int | None = None) -> list[ET.Element]:
    found = [rect for rect in parse(svg).iter(f"{SVG}rect") if rect.get("class") == "bar"]
    return [rect for rect in found if series is None or rect.get("data-series") == str(series)]


def texts(svg) -> list[str]:
    return [el.text for el in parse(svg).iter(f"{SVG}text")]


def test_coordinates_have_one_decimal_and_no_exponent():
    assert [num(D("12.345")), num(D(100)), num(D("0.04")), num(7), num(D("1E+2"))] == ["12.3", "100", "0", "7", "100"]


def test_display_width_and_fit():
    assert display_width("业务经费") == 8 and display_width("ab1") == 3 and display_width("（）“”") == 8
    assert fit("业务经费", 8) == "业务经费"
    assert fit("“互联网+政务服务”行政审批网络维护费", 20) == "“互联网+政务服务…"
    assert display_width(fit("一二三四五六七八九十", 9)) <= 9


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([D("95.5"), None], (D(100), D(20))),
        ([D("100.01")], (D(120), D(20))),
        ([D(250)], (D(250), D(50))),
        ([D(260)], (D(300), D(50))),
        ([D(1999)], (D(2000), D(200))),
        ([], (D(100), D(20))),
    ],
)
def test_axis_maximum_is_a_whole_tick(values, expected):
    assert axis_max(values) == expected


def chart(groups, n_series=1, **kwargs):
    series = [Series(f"系列{i}", "#123456") for i in range(n_series)]
    return bar_chart("测试图", groups, series, axis_title="得分（分）", **kwargs)


def test_one_bar_per_group_and_series_scaled_to_the_axis():
    svg = chart([Group("甲", (D(50), D(100))), Group("乙", (D(25), None))], n_series=2, width=718)
    # plot from x = 218 (label room 210 + 8) to 718 − 60 = 658: 440 wide
    widths = [(rect.get("data-series"), rect.get("width")) for rect in bars(svg)]
    assert widths == [("0", "220"), ("1", "440"), ("0", "110")]
    assert "—" in texts(svg)  # the missing value
    assert {"50.00", "100.00", "25.00", "测试图", "得分（分）", "甲", "乙"} <= set(texts(svg))
    root = parse(svg)
    assert root.get("width") == "718" and root.get("viewBox").startswith("0 0 718 ")
    assert root.find(f"{SVG}title").text == "测试图"


def test_values_beyond_the_axis_are_clamped_and_negative_ones_start_at_zero():
    svg = chart([Group("超", (D(150),)), Group("负", (D(-5),))], maximum=D(100), width=718)
    assert [rect.get("width") for rect in bars(svg)] == ["440", "0"]
    assert "150.00" in texts(svg)  # the value itself is still printed


def test_guides_and_per_bar_colours():
    svg = chart([Group("甲", (D(85),), ("#ff0000",))], guides=[Guide(D(60), "中 60"), Guide(D(90), "优 90")])
    lines = [line for line in parse(svg).iter(f"{SVG}line") if line.get("class") == "guide"]
    assert len(lines) == 2 and lines[0].get("stroke-dasharray")
    assert bars(svg)[0].get("fill") == "#ff0000"
    assert {"中 60", "优 90"} <= set(texts(svg))


def test_text_is_escaped_and_long_labels_are_cut_with_the_full_name_kept():
    name = "<b>很长很长很长很长很长很长很长很长很长很长的项目名称</b>"
    svg = chart([Group(name, (D(1),))])
    assert "<b>" not in str(svg) and "&lt;b&gt;" in str(svg)
    shown = [t for t in texts(svg) if t and t.startswith("<b>")]
    assert shown and shown[0].endswith("…")
    assert any(el.text == name for el in parse(svg).iter(f"{SVG}title"))  # hover shows the whole name


def test_no_groups_says_so():
    svg = chart([])
    assert bars(svg) == [] and "暂无数据" in texts(svg)


def test_no_float_in_the_output():
    svg = str(chart([Group("甲", (D(1) / D(3),))], width=701))
    assert not re.search(r"\d\.\d{2,}\"", svg)  # coordinates carry one decimal at most
    assert "e-" not in svg and "E+" not in svg


def summary(rows, points=()):
    return SimpleNamespace(
        rows=rows, checkpoints=list(points), grade_bands=DEFAULT_GRADES, as_of_label="2024年12月31日"
    )


def row(name, score, grade, planned, rate):
    return SimpleNamespace(
        name=name, score=D(score), grade=grade, planned=D(planned), rate=None if rate is None else D(rate)
    )


THREE_ROWS = [
    row("甲项目", "95", "优", 100, 100),
    row("乙项目", "85.5", "良", 100, "60"),
    row("丙", "10", "差", 100, None),
]


def test_score_chart_has_a_bar_per_project_coloured_by_grade_and_grade_lines():
    rows = THREE_ROWS
    svg = charts.score_chart(summary(rows))
    assert len(bars(svg)) == 3
    assert [rect.get("fill") for rect in bars(svg)] == ["#2e7d32", "#1d4f91", "#c62828"]
    guides = [line for line in parse(svg).iter(f"{SVG}line") if line.get("class") == "guide"]
    assert len(guides) == 3  # 90, 80, 60
    assert {"优 90", "良 80", "中 60", "差（<60）", "各项目自评得分"} <= set(texts(svg))


def test_execution_chart_pairs_plan_and_actual_and_marks_the_ones_behind():
    rows = THREE_ROWS
    svg = charts.execution_chart(summary(rows))
    assert len(bars(svg, 0)) == 3 and len(bars(svg, 1)) == 2  # 丙 has no rate (budget 0)
    assert [rect.get("fill") for rect in bars(svg, 1)] == [charts.ACTUAL_COLOR, charts.BEHIND_COLOR]
    assert "60.00%" in texts(svg) and "计划与实际支出进度（截至2024年12月31日）" in texts(svg)


def test_checkpoint_chart_leaves_future_checkpoints_empty():
    points = [
        SimpleNamespace(label="6月底", on_date=date(2024, 6, 30), planned=D("49.46"), actual=D("23.45")),
        SimpleNamespace(label="12月底", on_date=date(2024, 12, 31), planned=D(100), actual=None),
    ]
    svg = charts.checkpoint_chart(summary([], points))
    assert len(bars(svg, 0)) == 2 and len(bars(svg, 1)) == 1
    assert {"6月底", "12月底", "49.46%", "23.45%", "—"} <= set(texts(svg))
