"""The target-review rules as pure functions: per-rule tables, properties, and the sample."""

import dataclasses
import re
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perf.projects.models import Project
from perf.projects.queries import project_by_code
from perf.projects.taxonomy import SCHEMES
from perf.review.rule_helpers import is_rate_name, unmeasurable_reason
from perf.review.rules import (
    RULES,
    Finding,
    RowInput,
    Severity,
    TableInput,
    blocking,
    review,
    table_input,
)

PLAN = [("3月底", D(25)), ("6月底", D(50)), ("10月底", D(75)), ("12月底", D(100))]


def row(position, level1, level2, name, value, basis="工作台账"):
    return RowInput(position, level1, level2, name, value, basis)


def good_table(scheme="2020"):
    """A clean table: every rule passes on it."""
    cost = ("产出指标", "成本指标") if scheme == "2020" else ("成本指标", "经济成本指标")
    return TableInput(
        total=D("40.00"),
        plan=list(PLAN),
        scheme=scheme,
        rows=[
            row(1, "产出指标", "数量指标", "评审项目数量", "≥20个"),
            row(2, "产出指标", "质量指标", "办结质量合格率", "≥95%"),
            row(3, "产出指标", "时效指标", "按时完成率", "100%"),
            row(4, *cost, "项目预算控制数", "≤40万元"),
            row(5, "效益指标", "社会效益指标", "网上办件率", "≥90%"),
            row(6, "满意度指标", "服务对象满意度指标", "服务对象满意度", "≥95%"),
        ],
    )


def with_row(table, position, **changes):
    """``table`` with row ``position`` changed."""
    rows = [dataclasses.replace(r, **changes) if r.position == position else r for r in table.rows]
    return dataclasses.replace(table, rows=rows)


def without(table, *positions):
    """``table`` without rows ``positions`` (the others keep their numbers)."""
    return dataclasses.replace(table, rows=[r for r in table.rows if r.position not in positions])


def plus(table, *rows):
    """``table`` with ``rows`` appended."""
    return dataclasses.replace(table, rows=[*table.rows, *rows])


def keys(findings):
    return [(f.rule, f.position, f.indicator) for f in findings]


G20, G21 = good_table("2020"), good_table("2021")

# (case id, table, expected (rule, position, indicator) from review(), message fragments)
CASES = [
    # missing-level1
    (
        "no-satisfaction",
        without(G20, 6),
        [("missing-level1", None, None)],
        ["缺少一级指标“满意度指标”", "产出指标、效益指标、满意度指标"],
    ),
    ("no-benefit-2021", without(G21, 5), [("missing-level1", None, None)], ["“效益指标”"]),
    # missing-output-level2
    (
        "no-timeliness",
        without(G20, 3),
        [("missing-output-level2", None, None)],
        ["产出指标缺少二级指标“时效指标”，请补充至少一项时效指标"],
    ),
    (
        "no-cost-2020",
        without(G20, 4),
        [("missing-output-level2", None, None)],
        ["缺少成本指标", "产出指标下的二级指标“成本指标”"],
    ),
    (
        "no-cost-2021",
        without(G21, 4),
        [("missing-output-level2", None, None)],
        ["缺少成本指标", "一级指标“成本指标”（二级为经济成本指标、社会成本指标、生态环境成本指标）"],
    ),
    (
        "no-output-at-all",
        without(G20, 1, 2, 3, 4),
        [("missing-level1", None, None), ("missing-output-level2", None, None)],
        ["缺少一级指标“产出指标”"],
    ),
    # unknown-level1
    (
        "cost-as-level1-in-2020",
        with_row(G20, 4, level1="成本指标", level2="经济成本指标"),
        [("unknown-level1", 4, "项目预算控制数")],
        [
            "第4行“项目预算控制数”：一级指标“成本指标”不在2020版",
            "应为产出指标、效益指标、满意度指标之一；该年度“成本指标”是产出指标下的二级指标",
        ],
    ),
    (
        "made-up-level1-2021",
        plus(G21, row(7, "效率指标", "数量指标", "办件数量", "≥90件")),
        [("unknown-level1", 7, "办件数量")],
        ["一级指标“效率指标”不在2021版", "产出指标、效益指标、满意度指标、成本指标之一"],
    ),
    (
        "empty-level1",
        plus(G20, row(7, " ", "数量指标", "办件数量", "≥90件")),
        [("unknown-level1", 7, "办件数量")],
        ["第7行“办件数量”：一级指标“（空）”"],
    ),
    # level2-mismatch
    (
        "benefit-level2-under-output",
        plus(G20, row(7, "产出指标", "经济效益指标", "节约资金", "≥1万元")),
        [("level2-mismatch", 7, "节约资金")],
        ["二级指标“经济效益指标”不属于一级指标“产出指标”", "应放在一级指标“效益指标”下"],
    ),
    (
        "cost-under-output-in-2021",
        with_row(G21, 4, level1="产出指标", level2="成本指标"),
        [("level2-mismatch", 4, "项目预算控制数")],
        ["不属于一级指标“产出指标”（2021版", "该年度“成本指标”是一级指标，其二级为经济成本指标"],
    ),
    (
        "2021-cost-level2-in-2020",
        plus(G20, row(7, "产出指标", "社会成本指标", "社会成本", "≤1万元")),
        [("level2-mismatch", 7, "社会成本")],
        ["产出指标下应为数量指标、质量指标、时效指标、成本指标之一"],
    ),
    # empty-name, empty-value
    (
        "empty-name",
        with_row(G20, 2, name="  "),
        [("empty-name", 2, None)],
        ["第2行：三级指标名称为空，请填写指标名称"],
    ),
    (
        "empty-value",
        with_row(G20, 3, value=" "),
        [("empty-value", 3, "按时完成率")],
        ["第3行“按时完成率”：指标值为空，请填写年度指标值"],
    ),
    # duplicate-name (the seed's 工资发放及时率 under 时效 and 满意度)
    (
        "duplicate-in-satisfaction",
        plus(G20, row(7, "满意度指标", "服务对象满意度指标", " 按时完成率", "100%")),
        [("duplicate-name", 7, "按时完成率"), ("satisfaction-name", 7, "按时完成率")],
        ["第7行“按时完成率”：与第3行（产出指标/时效指标）重名", "请删除重复行"],
    ),
    (
        "duplicate-twice",
        plus(
            G21,
            row(7, "效益指标", "社会效益指标", "网上办件率", "≥91%"),
            row(8, "效益指标", "经济效益指标", "网上办件率", "≥92%"),
        ),
        [("duplicate-name", 7, "网上办件率"), ("duplicate-name", 8, "网上办件率")],
        ["与第5行（效益指标/社会效益指标）重名"],
    ),
    # qualitative-in-quantitative
    (
        "qualitative-timeliness",
        with_row(G20, 3, name="合同约定时限", value="约定期限内"),
        [("qualitative-in-quantitative", 3, "合同约定时限")],
        ["第3行“合同约定时限”：时效指标的指标值“约定期限内”为定性表述", "定性表述只作补充"],
    ),
    (
        "qualitative-2021-cost",
        plus(G21, row(7, "成本指标", "社会成本指标", "社会成本", "社会成本有效控制")),
        [("qualitative-in-quantitative", 7, "社会成本")],
        ["社会成本指标的指标值“社会成本有效控制”为定性表述"],
    ),
    # unmeasurable-value
    (
        "slogan",
        with_row(G20, 5, name="资金使用效益", value="有限的资金带来无限的可能"),
        [("unmeasurable-value", 5, "资金使用效益")],
        ["第5行“资金使用效益”：指标值“有限的资金带来无限的可能”含有“无限”这类无法衡量的表述"],
    ),
    (
        "no-direction",
        with_row(G21, 5, value="资金使用效益"),
        [("unmeasurable-value", 5, "网上办件率")],
        ["既不是可衡量的数值，也没有写明要达到的方向或状态"],
    ),
    (
        "paragraph",
        with_row(G20, 5, value="通过本项目的实施进一步提升本单位行政审批服务的整体水平和群众的获得感"),
        [("unmeasurable-value", 5, "网上办件率")],
        ["字，是一段描述而不是可核验的目标"],
    ),
    # rate-under-quantity
    (
        "rate-under-quantity",
        with_row(G20, 1, name="评审合格率", value="100%"),
        [("rate-under-quantity", 1, "评审合格率")],
        ["第1行“评审合格率”：比率类指标不宜放在数量指标下，建议改为质量指标"],
    ),
    (
        "ratio-under-quantity-2021",
        with_row(G21, 1, name="提供材料比例", value="≥40%"),
        [("rate-under-quantity", 1, "提供材料比例")],
        ["第1行“提供材料比例”：比率类指标不宜放在数量指标下"],
    ),
    (
        "rate-with-percent-note",
        with_row(G20, 1, name="委托业务完成率(%)", value="100"),
        [("rate-under-quantity", 1, "委托业务完成率(%)")],
        ["比率类指标不宜放在数量指标下"],
    ),
    # rate-over-100
    (
        "rate-over-100",
        with_row(G20, 5, value="≥120%"),
        [("rate-over-100", 5, "网上办件率")],
        ["第5行“网上办件率”：比率类指标的指标值“≥120%”超过100%，请核对是否误填"],
    ),
    # cost-over-budget
    (
        "cost-over-budget-wan",
        with_row(G20, 4, value="≤50万元"),
        [("cost-over-budget", 4, "项目预算控制数")],
        ["第4行“项目预算控制数”：成本指标值“≤50万元”（合50万元）超过项目预算数40.00万元"],
    ),
    (
        "cost-over-budget-yuan",
        with_row(G20, 4, value="≤500000元"),
        [("cost-over-budget", 4, "项目预算控制数")],
        ["“≤500000元”（合50万元）超过项目预算数40.00万元"],
    ),
    (
        "cost-over-budget-yi-2021",
        with_row(G21, 4, value="≤0.005亿元"),
        [("cost-over-budget", 4, "项目预算控制数")],
        ["（合50万元）"],
    ),
    (
        "cost-over-budget-by-a-cent",
        with_row(G21, 4, value="≤40.01万元"),
        [("cost-over-budget", 4, "项目预算控制数")],
        ["（合40.01万元）超过项目预算数40.00万元"],
    ),
    # cost-not-money, cost-higher-better
    (
        "cost-percent",
        with_row(G20, 4, name="成本控制率", value="≤100%"),
        [("cost-not-money", 4, "成本控制率")],
        ["成本指标的计量单位应为金额", "实为“%”", "请将“≤100%”改为金额表述"],
    ),
    (
        "cost-no-unit-2021",
        with_row(G21, 4, value="≤40"),
        [("cost-not-money", 4, "项目预算控制数")],
        ["指标值没有单位"],
    ),
    (
        "cost-at-least",
        with_row(G20, 4, name="人均发放水平", value="≥2200元/月"),
        [("cost-higher-better", 4, "人均发放水平")],
        ["成本指标越低越好，指标值“≥2200元/月”用了“≥”", "应改为“≤”"],
    ),
    # satisfaction-not-percent, satisfaction-name
    (
        "satisfaction-qualitative",
        with_row(G20, 6, value="满意度提升"),
        [("satisfaction-not-percent", 6, "服务对象满意度")],
        ["第6行“服务对象满意度”：满意度指标值“满意度提升”不是百分比"],
    ),
    (
        "satisfaction-score-2021",
        with_row(G21, 6, value="≥4.5分"),
        [("satisfaction-not-percent", 6, "服务对象满意度")],
        ["满意度指标值“≥4.5分”不是百分比"],
    ),
    (
        "satisfaction-name",
        with_row(G20, 6, name="工资发放及时率", value="100%"),
        [("satisfaction-name", 6, "工资发放及时率")],
        ["第6行“工资发放及时率”：满意度指标下的指标应反映服务对象的满意程度"],
    ),
    # missing-basis
    (
        "missing-basis",
        with_row(G21, 2, basis=" \n"),
        [("missing-basis", 2, "办结质量合格率")],
        ["第2行“办结质量合格率”：指标值确定依据为空，请说明指标值的来源"],
    ),
    # no-plan, plan-invalid
    (
        "no-plan",
        dataclasses.replace(G20, plan=[]),
        [("no-plan", None, None)],
        ["未填写资金支出计划"],
    ),
    (
        "plan-short-of-100",
        dataclasses.replace(G21, plan=[*PLAN[:3], ("12月底", D(90))]),
        [("plan-invalid", None, None)],
        ["资金支出计划：12月底的计划支出进度应为 100%，实为 90%"],
    ),
    (
        "plan-goes-down-and-out-of-range",
        dataclasses.replace(G20, plan=[("3月底", D(30)), ("6月底", D(20)), ("10月底", D(120)), ("12月底", D(100))]),
        [("plan-invalid", None, None), ("plan-invalid", None, None)],
        ["6月底的计划支出进度 20% 低于上一节点的 30%，累计进度不能下降"],
    ),
]


@pytest.mark.parametrize(("table", "expected", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_cases(table, expected, fragments):
    findings = review(table)
    assert keys(findings) == expected
    messages = " | ".join(f.message for f in findings)
    for fragment in fragments:
        assert fragment in messages


def test_every_rule_has_a_failing_case():
    failing = {rule for _, _, expected, _ in CASES for rule, _, _ in expected}
    assert failing == {rule.id for rule in RULES}


# Passing cases: each a table the named rule must not flag (and nothing else does either).
PASSES = [
    ("clean-2020", G20),
    ("clean-2021", G21),
    ("cost-2021-social", with_row(G21, 4, level2="社会成本指标")),
    ("cost-equal-to-budget", dataclasses.replace(with_row(G20, 4, value="≤28万元"), total=D(28))),
    ("cost-below-budget-strict", dataclasses.replace(with_row(G20, 4, value="<28万元"), total=D(28))),
    ("cost-in-yuan-under", with_row(G20, 4, value="≤400000元")),
    (
        "cost-per-unit-not-compared",
        dataclasses.replace(with_row(G20, 4, name="人均发放水平", value="2200元/月"), total=D("3.71")),
    ),
    ("cost-per-set", with_row(G21, 4, value="390.7元/套")),
    ("cost-without-total", dataclasses.replace(with_row(G20, 4, value="≤50万元"), total=None)),
    ("rate-exactly-100", with_row(G20, 5, value="100%")),
    ("growth-over-100", with_row(G20, 5, name="办件量增长率", value="≥120%")),
    ("count-over-100-percent-not-rate", with_row(G20, 5, name="办件量", value="150%")),
    ("rate-under-quality", with_row(G20, 2, name="提供材料比例", value="≥40%")),
    ("satisfied-name-short", with_row(G20, 6, name="服务对象满意", value="≥98%")),
    ("full-width-percent", with_row(G20, 6, value="≥９５％")),
    ("plan-all-at-year-end", dataclasses.replace(G20, plan=[("12月底", D(100))])),
]


@pytest.mark.parametrize("table", [p[1] for p in PASSES], ids=[p[0] for p in PASSES])
def test_passing_cases(table):
    assert review(table) == []


RECOGNISABLE_GOALS = [
    "长期使用",
    "服务环境提升、满意度提升",
    "约定期限内",
    "基本保障",
    "优化营商环境",
    "长期实用",
    "提升形象，提升营商环境",
    "服务对象满意度提升",
    "改善营商环境",
    "按期完成",
]


@pytest.mark.parametrize("value", RECOGNISABLE_GOALS)
def test_recognisable_qualitative_goals_are_not_flagged(value):
    table = with_row(G20, 5, value=value)
    assert review(table) == []
    assert unmeasurable_reason(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("有限的资金带来无限的可能", "含有“无限”"),
        ("全面提升服务水平", "含有“全面”"),
        ("最大限度发挥资金效益", "含有“最大”"),
        ("资金使用效益", "没有写明要达到的方向或状态"),
        ("95%左右", "没有写明要达到的方向或状态"),
        ("提升" * 11, "长达22字"),
    ],
)
def test_unmeasurable_values_are_flagged(value, reason):
    assert reason in unmeasurable_reason(value)
    assert keys(review(with_row(G20, 5, value=value))) == [("unmeasurable-value", 5, "网上办件率")]


@pytest.mark.parametrize(
    ("name", "rate"),
    [
        ("评审合格率", True),
        ("提供材料比例", True),
        ("投入产出比率", True),
        ("完成率（%）", True),
        ("及时率 (％)", True),
        ("评审项目数量", False),
        ("率先完成", False),
        ("比例尺采购", False),
    ],
)
def test_rate_names(name, rate):
    assert is_rate_name(name) is rate


# Catalogue, order and blocking ----------------------------------------------------------


def test_catalogue_ids_are_unique_kebab_case_and_documented():
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    assert all(rule.title and rule.check.__doc__ for rule in RULES)
    errors = {rule.id for rule in RULES if rule.severity is Severity.ERROR}
    assert {
        "missing-level1",
        "missing-output-level2",
        "unknown-level1",
        "level2-mismatch",
        "no-plan",
        "plan-invalid",
        "empty-name",
        "empty-value",
    } <= errors


def test_findings_carry_their_rule_severity():
    severity = {rule.id: rule.severity for rule in RULES}
    for _, table, _, _ in CASES:
        for finding in review(table):
            assert finding.severity is severity[finding.rule]


def test_review_orders_errors_first_then_table_level_then_rows():
    table = dataclasses.replace(
        G20,
        plan=[],
        rows=[
            row(1, "产出指标", "数量指标", "评审合格率", "100%"),  # warning, row 1
            row(2, "产出指标", "质量指标", "合格率", "≥95%", basis=""),  # warning, row 2
            row(3, "产出指标", "时效指标", "合格率", "100%"),  # error, row 3
            row(4, "产出指标", "成本指标", "预算控制数", "≤50万元"),  # error, row 4
            row(5, "效益指标", "社会效益指标", "效益", "有限的资金带来无限的可能"),
        ],
    )
    findings = review(table)
    assert keys(findings) == [
        ("missing-level1", None, None),
        ("no-plan", None, None),
        ("duplicate-name", 3, "合格率"),
        ("cost-over-budget", 4, "预算控制数"),
        ("rate-under-quantity", 1, "评审合格率"),
        ("missing-basis", 2, "合格率"),
        ("unmeasurable-value", 5, "效益"),
    ]
    assert blocking(findings)
    assert not blocking(findings[-3:])
    assert not blocking([])


def test_finding_is_frozen_and_names_the_row():
    finding = review(with_row(G20, 1, name="评审合格率", value="100%"))[-1]
    assert finding == Finding(
        "rate-under-quantity",
        Severity.WARNING,
        "第1行“评审合格率”：比率类指标不宜放在数量指标下，建议改为质量指标，或改用数量表述（如“完成××≥N个”）",
        "评审合格率",
        1,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.rule = "x"


# Properties ------------------------------------------------------------------------------

LEVEL_WORDS = sorted({w for s in SCHEMES.values() for l1, l2s in s.items() for w in (l1, *l2s)})
SAMPLE_VALUES = [
    "≥40%",
    "≤28万元",
    "<4%",
    "2200元/月",
    "≤1280家",
    "≥100百分比",
    "=100",
    "长期使用",
    "有限的资金带来无限的可能",
    "不低于95%",
    "＞５％",
    "",
    " ",
    "≥",
    "%",
    "元",
]
texts = st.text(max_size=30)
decimals = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9)
any_row = st.builds(
    RowInput,
    position=st.integers(-3, 50),
    level1=st.one_of(st.sampled_from(LEVEL_WORDS), texts),
    level2=st.one_of(st.sampled_from(LEVEL_WORDS), texts),
    name=st.one_of(st.sampled_from(["评审合格率", "工资发放及时率", "成本", ""]), texts),
    value=st.one_of(st.sampled_from(SAMPLE_VALUES), texts),
    basis=texts,
    description=texts,
    unit=st.one_of(st.none(), st.sampled_from(["万元", "元", "%", "人"]), texts),
)
any_table = st.builds(
    TableInput,
    total=st.one_of(st.none(), decimals),
    plan=st.lists(st.tuples(texts, decimals), max_size=6),
    scheme=st.sampled_from(["2020", "2021", "1999", ""]),
    rows=st.lists(any_row, max_size=12),
)


@given(any_table)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_review_never_crashes_and_keeps_its_order(table):
    findings = review(table)
    ranks = [(f.severity is Severity.WARNING, f.position or 0) for f in findings]
    assert ranks == sorted(ranks)
    positions = {r.position for r in table.rows}
    for finding in findings:
        assert finding.message
        assert finding.position is None or finding.position in positions
        if finding.position is not None:
            assert finding.message.startswith(f"第{finding.position}行")


UNITS = ["%", "人", "个", "天", "家", "件", "次"]


@st.composite
def valid_tables(draw):
    """Tables of valid taxonomy pairs covering every required 一级 and 产出 二级, with
    quantitative values, bases and a valid plan; cost targets within the budget."""
    scheme = draw(st.sampled_from(["2020", "2021"]))
    pairs = [(l1, l2) for l1, l2s in SCHEMES[scheme].items() for l2 in l2s]
    required = [p for p in pairs if p[1] in ("数量指标", "质量指标", "时效指标", "服务对象满意度指标")]
    required += [next(p for p in pairs if "成本" in p[0] + p[1])]
    required += [next(p for p in pairs if p[0] == "效益指标")]
    chosen = required + draw(st.lists(st.sampled_from(pairs), max_size=8))
    chosen = draw(st.permutations(chosen))
    total = draw(st.decimals(min_value="0.01", max_value=10000, places=2))
    rows = []
    for i, (level1, level2) in enumerate(chosen, start=1):
        value = draw(_cost_value(total) if "成本" in level1 + level2 else _value())
        basis = draw(st.text(min_size=1)).strip() or "依据"
        rows.append(row(i, level1, level2, f"指标{i}", value, basis))
    cuts = sorted(draw(st.lists(st.decimals(0, 100, places=2), min_size=0, max_size=4)))
    plan = [(f"节点{i}", pct) for i, pct in enumerate([*cuts, D(100)], start=1)]
    return TableInput(total=total, plan=plan, scheme=scheme, rows=rows)


def _value():
    comparator = st.sampled_from(["", "≥", "≤", ">", "<", "不低于"])
    number = st.decimals(min_value=0, max_value=100, places=2).map(lambda d: f"{d:f}")
    return st.tuples(comparator, number, st.sampled_from(UNITS)).map("".join)


def _cost_value(total):
    amount = st.decimals(min_value=0, max_value=total, places=2).map(lambda d: f"≤{d:f}万元")
    per_unit = st.integers(1, 99999).map(lambda n: f"{n}元/月")
    return st.one_of(amount, per_unit)


@given(valid_tables())
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_valid_tables_have_no_errors(table):
    errors = [f for f in review(table) if f.severity is Severity.ERROR]
    assert errors == []


# The sample department -------------------------------------------------------------------

SAMPLE_FINDINGS = [
    ("13020724P00X4BL10005W", "rate-under-quantity", 1, "提供材料比例"),
    ("13020724P00EL6T100050", "rate-under-quantity", 1, "采购招标率"),
    ("13020724P00J22H100076", "duplicate-name", 8, "工资发放及时率"),
    ("13020724P00J22H100076", "satisfaction-name", 8, "工资发放及时率"),
    ("13020724P00P8L210007E", "rate-under-quantity", 1, "评审合格率"),
    ("13020724P00P8L210007E", "qualitative-in-quantitative", 3, "合同约定时限"),
    ("13020724P00P8L210007E", "unmeasurable-value", 5, "资金使用效益"),
]


def test_sample_projects_findings(session, demo):
    projects = session.scalars(sa.select(Project).order_by(Project.id)).all()
    assert len(projects) == 7
    found = [(p.code, f.rule, f.position, f.indicator) for p in projects for f in review(table_input(p))]
    assert found == SAMPLE_FINDINGS
    blocked = [p.code for p in projects if blocking(review(table_input(p)))]
    assert blocked == ["13020724P00J22H100076"]


def test_table_input_adapts_a_project(session, demo):
    table = table_input(project_by_code("13020724P00P8L210007E", 2024))
    assert (table.total, table.scheme) == (D("40.00"), "2020")
    assert table.plan == [("3月底", D(30)), ("6月底", D(60)), ("10月底", D(90)), ("12月底", D(100))]
    assert len(table.rows) == 8
    assert table.rows[4] == RowInput(
        5,
        "效益指标",
        "经济效益指标",
        "资金使用效益",
        "有限的资金带来无限的可能",
        "调查问卷",
        "资金使用效益",
        None,
    )
    assert table.rows[3].value == "≤40万元" and table.rows[3].unit == "万元"


def test_sample_cost_targets_equal_to_budget_pass(session, demo):
    """≤28万元 vs 预算数 28.00 and ≤50万元 vs 50.00 are at the budget, not above it."""
    for code in ("13020724P00X4BL10005W", "13020724P00000410001A"):
        table = table_input(project_by_code(code))
        assert [f for f in review(table) if f.rule == "cost-over-budget"] == []
        over = dataclasses.replace(table, total=table.total - D("0.01"))
        errors = [f for f in review(over) if f.severity is Severity.ERROR]
        assert [(f.rule, f.position) for f in errors] == [("cost-over-budget", 4)]
