"""The catalogue of review rules (目标审核), in a stable order; importing this module registers them.

An error blocks submission: the table contradicts the indicator scheme, itself or its
budget, which no reviewer would accept. A warning flags a weak target for the reviewer.
See docs/domain.md#target-review.
"""

from collections.abc import Iterator

from perf.numbers import HUNDRED, plain, wan_text
from perf.projects.indicator_value import Comparator, Kind
from perf.projects.indicators import is_cost
from perf.projects.plan import plan_problems
from perf.projects.taxonomy import REQUIRED_LEVEL1, taxonomy
from perf.review.findings import (
    Hit,
    RowInput,
    Severity,
    TableInput,
    cost_targets,
    register,
    rows_with_value,
)
from perf.review.rule_helpers import (
    QUANTITATIVE_LEVEL2,
    compact,
    is_growth_name,
    is_rate_name,
    level1_hint,
    level2_hint,
    scheme_label,
    unmeasurable_reason,
)
from perf.units import in_wan, is_money_unit


@register("missing-level1", Severity.ERROR, "缺少一级指标")
def missing_level1(table: TableInput) -> Iterator[Hit]:
    """Error: every scheme requires 产出, 效益 and 满意度; without one the table is incomplete."""
    present = {compact(row.level1) for row in table.rows}
    for level1 in REQUIRED_LEVEL1:
        if level1 not in present:
            yield None, f"缺少一级指标“{level1}”，绩效目标表应包含{'、'.join(REQUIRED_LEVEL1)}，请补充"


@register("missing-output-level2", Severity.ERROR, "缺少产出二级指标（数量/质量/时效/成本）")
def missing_output_level2(table: TableInput) -> Iterator[Hit]:
    """Error: 产出 must be covered by 数量, 质量, 时效 and some 成本 indicator.

    成本 is a 二级 of 产出 in the 2020 scheme and a 一级 of its own in 2021, so any row
    under 成本 counts. Without 产出 at all, missing-level1 already says so.
    """
    pairs = {(compact(row.level1), compact(row.level2)) for row in table.rows}
    if any(level1 == "产出指标" for level1, _ in pairs):
        for level2 in ("数量指标", "质量指标", "时效指标"):
            if ("产出指标", level2) not in pairs:
                yield None, f"产出指标缺少二级指标“{level2}”，请补充至少一项{level2}"
    if not any(is_cost(level1, level2) for level1, level2 in pairs):
        where = (
            "一级指标“成本指标”（二级为经济成本指标、社会成本指标、生态环境成本指标）"
            if table.scheme == "2021"
            else "产出指标下的二级指标“成本指标”"
        )
        yield None, f"缺少成本指标，请在{where}中补充至少一项，如“项目预算控制数 ≤N万元”"


@register("unknown-level1", Severity.ERROR, "一级指标不在本年度指标体系中")
def unknown_level1(table: TableInput) -> Iterator[Hit]:
    """Error: a 一级 outside the scheme cannot be weighted or scored at year end."""
    scheme = taxonomy(table.scheme)
    for row in table.rows:
        level1 = compact(row.level1)
        if level1 not in scheme:
            message = (
                f"一级指标“{level1 or '（空）'}”不在{scheme_label(table.scheme)}的指标体系中，"
                f"应为{'、'.join(scheme)}之一{level1_hint(scheme, level1)}"
            )
            yield row, message


@register("level2-mismatch", Severity.ERROR, "二级指标不属于其一级指标")
def level2_mismatch(table: TableInput) -> Iterator[Hit]:
    """Error: a 二级 filed under the wrong 一级 is scored with the wrong weight."""
    scheme = taxonomy(table.scheme)
    for row in table.rows:
        level1, level2 = compact(row.level1), compact(row.level2)
        if level1 in scheme and level2 not in scheme[level1]:
            message = (
                f"二级指标“{level2 or '（空）'}”不属于一级指标“{level1}”（{scheme_label(table.scheme)}），"
                f"{level1}下应为{'、'.join(scheme[level1])}之一{level2_hint(scheme, level2)}"
            )
            yield row, message


# Rows: names and values ----------------------------------------------------------------


@register("empty-name", Severity.ERROR, "三级指标为空")
def empty_name(table: TableInput) -> Iterator[Hit]:
    """Error: a row without a 三级 name cannot be monitored, scored or discussed."""
    for row in table.rows:
        if not row.name.strip():
            yield row, "三级指标名称为空，请填写指标名称"


@register("empty-value", Severity.ERROR, "指标值为空")
def empty_value(table: TableInput) -> Iterator[Hit]:
    """Error: a row without a 指标值 has no target to monitor or score against."""
    for row in table.rows:
        if not row.value.strip():
            yield row, "指标值为空，请填写年度指标值（如“≥95%”“≤30天”）"


@register("duplicate-name", Severity.ERROR, "同一表中三级指标重名")
def duplicate_name(table: TableInput) -> Iterator[Hit]:
    """Error: the same 三级 twice is scored twice (in two 一级 weights, as the seed's
    工资发放及时率 under 时效 and 满意度) and makes the monitoring and 自评 rows, which
    name indicators by their 三级, ambiguous. Each later occurrence is reported.
    """
    first: dict[str, RowInput] = {}
    for row in table.rows:
        name = compact(row.name)
        if not name:
            continue
        if name in first:
            earlier = first[name]
            message = (
                f"与第{earlier.position}行（{earlier.level1}/{earlier.level2}）重名，"
                "同一指标重复出现会重复计分，监控和自评时也无法区分；"
                "请删除重复行，或改为能反映本类绩效的其他指标"
            )
            yield row, message
        else:
            first[name] = row


@register("qualitative-in-quantitative", Severity.WARNING, "产出/成本类指标用定性表述")
def qualitative_in_quantitative(table: TableInput) -> Iterator[Hit]:
    """Warning: 数量/质量/时效/成本 targets should be 细化量化; a 定性 value is allowed only as
    a supplement, so the reviewer decides whether a number is feasible.
    """
    for row, parsed in rows_with_value(table):
        level2 = compact(row.level2)
        if level2 in QUANTITATIVE_LEVEL2 and parsed.kind is Kind.QUALITATIVE:
            message = (
                f"{level2}的指标值“{parsed.text}”为定性表述，{level2}应细化量化，"
                "建议改为可衡量的数值（如“≥95%”“≤30天”），定性表述只作补充"
            )
            yield row, message


@register("unmeasurable-value", Severity.WARNING, "指标值无法衡量")
def unmeasurable_value(table: TableInput) -> Iterator[Hit]:
    """Warning: a 定性 value that is neither a number nor a recognisable goal (see
    ``rule_helpers.unmeasurable_reason``). It is a heuristic over free text, so it must
    not block a table; the reviewer confirms and returns it.
    """
    for row, parsed in rows_with_value(table):
        if parsed.kind is not Kind.QUALITATIVE:
            continue
        reason = unmeasurable_reason(parsed.text)
        if reason is not None:
            message = (
                f"指标值“{parsed.text}”{reason}，请改为定量指标值（如“≥95%”“≤30天”），"
                "或写明可核验的状态（如“按期完成”“服务对象满意度提升”）"
            )
            yield row, message


@register("rate-under-quantity", Severity.WARNING, "比率类指标放在数量指标下")
def rate_under_quantity(table: TableInput) -> Iterator[Hit]:
    """Warning: a rate (…率, …比例) measures quality, not quantity; the target itself may be
    sound, so it is a filing error for the reviewer, not a blocker.
    """
    for row in table.rows:
        if compact(row.level2) == "数量指标" and is_rate_name(row.name):
            yield row, "比率类指标不宜放在数量指标下，建议改为质量指标，或改用数量表述（如“完成××≥N个”）"


@register("rate-over-100", Severity.WARNING, "比率类指标值超过100%")
def rate_over_100(table: TableInput) -> Iterator[Hit]:
    """Warning: a rate above 100% is usually a typo; growth rates are exempt."""
    for row, parsed in rows_with_value(table):
        over = parsed.unit == "%" and parsed.number is not None and parsed.number > HUNDRED
        if over and is_rate_name(row.name) and not is_growth_name(row.name):
            yield row, f"比率类指标的指标值“{parsed.text}”超过100%，请核对是否误填"


# 成本 ----------------------------------------------------------------------------------


@register("cost-over-budget", Severity.ERROR, "成本指标值超过项目预算数")
def cost_over_budget(table: TableInput) -> Iterator[Hit]:
    """Error: a total-cost target above the table's own 预算数 contradicts it (the ceiling
    is always met); one of the two figures is wrong. Compared in 万元; per-unit costs
    (元/月, 元/套) are not totals and are not compared.
    """
    if table.total is None:
        return
    for row, parsed in cost_targets(table):
        amount = in_wan(parsed.number, parsed.unit)
        if amount is not None and amount > table.total:
            message = (
                f"成本指标值“{parsed.text}”（合{plain(amount)}万元）超过项目预算数"
                f"{wan_text(table.total)}万元，成本目标不应高于预算数，请核对指标值或预算数"
            )
            yield row, message


@register("cost-not-money", Severity.WARNING, "成本指标的单位不是金额")
def cost_not_money(table: TableInput) -> Iterator[Hit]:
    """Warning: a 成本 target should be an amount (元, 万元, 元/月 …); a percent or count may
    still be a defensible proxy (成本节约率), so the reviewer decides.
    """
    for row, parsed in cost_targets(table):
        if not is_money_unit(parsed.unit):
            unit = f"实为“{parsed.unit}”" if parsed.unit else "指标值没有单位"
            message = (
                f"成本指标的计量单位应为金额（元、万元，或元/月、元/套等单位成本），{unit}，"
                f"请将“{parsed.text}”改为金额表述"
            )
            yield row, message


@register("cost-higher-better", Severity.WARNING, "成本指标用了“≥”")
def cost_higher_better(table: TableInput) -> Iterator[Hit]:
    """Warning: 成本 is lower-is-better; ``≥`` makes overspending count as success."""
    for row, parsed in cost_targets(table):
        if parsed.comparator in (Comparator.GE, Comparator.GT):
            message = (
                f"成本指标越低越好，指标值“{parsed.text}”用了“{parsed.comparator}”，"
                "会把超支算作达标，应改为“≤”（不高于）"
            )
            yield row, message


# 满意度 ---------------------------------------------------------------------------------


@register("satisfaction-not-percent", Severity.WARNING, "满意度指标值不是百分比")
def satisfaction_not_percent(table: TableInput) -> Iterator[Hit]:
    """Warning: 满意度 is measured by survey as a percent; anything else cannot be scored."""
    for row, parsed in rows_with_value(table):
        if compact(row.level1) == "满意度指标" and parsed.unit != "%":
            yield row, f"满意度指标值“{parsed.text}”不是百分比，满意度一般以问卷调查的满意率表示（如“≥95%”）"


@register("satisfaction-name", Severity.WARNING, "满意度指标下的指标不是满意度")
def satisfaction_name(table: TableInput) -> Iterator[Hit]:
    """Warning: a 满意度 row must measure satisfaction; another measure filed here leaves
    the 满意度 weight unearned (the seed's 工资发放及时率).
    """
    for row in table.rows:
        name = compact(row.name)
        if compact(row.level1) == "满意度指标" and name and "满意" not in name:
            message = (
                "满意度指标下的指标应反映服务对象的满意程度（如“服务对象满意度≥95%”），"
                "请改为满意度指标，或移到相应的产出/效益指标下"
            )
            yield row, message


# Basis and plan -------------------------------------------------------------------------


@register("missing-basis", Severity.WARNING, "指标值确定依据为空")
def missing_basis(table: TableInput) -> Iterator[Hit]:
    """Warning: without a 确定依据 the reviewer cannot judge the target, but it may be added
    during review without changing the target.
    """
    for row in table.rows:
        if not row.basis.strip():
            yield row, "指标值确定依据为空，请说明指标值的来源（如计划标准、历史数据、行业标准、合同）"


@register("no-plan", Severity.ERROR, "未填资金支出计划")
def no_plan(table: TableInput) -> Iterator[Hit]:
    """Error: without a 资金支出计划 spending progress cannot be monitored at all."""
    if not table.plan:
        yield None, "未填写资金支出计划，请按各时间节点填写累计支出进度（年底应为100%）"


@register("plan-invalid", Severity.ERROR, "资金支出计划不合规")
def plan_invalid(table: TableInput) -> Iterator[Hit]:
    """Error: a plan out of 0–100, going down or not ending at 100 breaks the monitoring
    baseline (``perf.projects.plan.plan_problems``).
    """
    for problem in plan_problems(table.plan):
        yield None, f"资金支出计划：{problem}，请修改资金支出计划"
