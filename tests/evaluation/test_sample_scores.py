"""Acceptance: the 绩效自评 scores of the 7 sample projects, computed by hand.

Payments and actual values come from files in ``data/`` through the real commands
(``perf import-payments``, ``perf import-actuals``); the 定性 bands are written as
``EvaluationRow``s (there is no command for them yet). Every expected value below was worked
out by hand from docs/domain.md#year-end-self-evaluation and the docstring of
``perf.evaluation.scoring``; the arithmetic is in the comment beside it.

Rules used throughout:
- weights (2020 scheme, every sample project has 4 产出, 3 效益 and 1 满意度 rows):
  产出 50 ÷ 4 = 12.50, 效益 30 ÷ 3 = 10.00, 满意度 10 ÷ 1 = 10.00; no leftover cents.
- execution score = min(spent ÷ budget × 10, 10); budget = the project's 预算数 (万元).
- each row score rounded once to two places, half up; total = Σ row scores + execution score.
- grade 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差.
- warning: red when (I ÷ 90 − E ÷ 10) ÷ (I ÷ 90) > 5% (I = Σ row scores, E = execution score),
  else yellow when more than 20% of the budget is unspent, else green.

| project | execution | indicator types |
|---|---|---|
| P1 网络维护费 | 100% | 正向 met (also at equality) and unmet; 反向 met with 元 → 万元; 定性 achieved |
| P2 交易中心 | overspent, capped | 等于 0 (changed); 反向 unmet; no comparator → 正向 unmet; over-achieved, no reason |
| P3 就业见习 | 95.00% | no comparator under 成本 → 反向 met; 正向 unmet; 定性 achieved |
| P4 区级垫付 | 80.86%, red | no comparator under 成本 → 反向 linear unmet; 定性 at 100% of points |
| P5 劳务派遣 | 99.50%, refund, 2025 payment | a 三级 name twice; 正向 unmet; 130% exactly, with a reason |
| P6 印章刻制 | 89.86% | 反向 linear at 0 (actual ≥ 2 × target); 运行成本 under 经济效益 → 正向; 定性 band floors |
| P7 业务经费 | 79.50%, yellow | 定性 in all three bands |
"""

import copy
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from perf.actuals.models import ActualValue
from perf.evaluation.models import EvaluationRow, SelfEvaluation
from perf.evaluation.services import evaluation_of
from perf.projects.indicators import value_fields
from perf.projects.models import Indicator, Project

DATA = Path(__file__).parent / "data"

P1 = "13020724P00X4BL10005W"  # “互联网+政务服务”行政审批网络维护费, 预算 28.00 万元
P2 = "13020724P00EL6T100050"  # 公共资源交易中心运转经费, 32.90 万元
P3 = "13020724P00F48410007F"  # 就业见习基本生活费补贴, 3.71 万元
P4 = "13020724P00F484100083"  # 就业生活补贴（区级垫付）, 14.84 万元
P5 = "13020724P00J22H100076"  # 劳务派遣人员经费（劳务费）, 129.00 万元
P6 = "13020724P00000410001A"  # 新设企业印章免费刻制服务, 50.00 万元
P7 = "13020724P00P8L210007E"  # 业务经费, 40.00 万元

#: 定性 rows: (band, band score). Rows with no imported actual show the band's label as 实际完成值.
BANDS = {
    P1: {"长期使用性": ("achieved", "9.50")},
    P2: {"公共服务水平提升情况": ("achieved", "8.50"), "提升城市形象": ("partial", "7.00")},
    P3: {"基本生活保障情况": ("achieved", "9.00")},
    P4: {"基本生活保障情况": ("achieved", "10.00")},
    P6: {"优化营商环境": ("achieved", "8.00"), "长期实用性": ("partial", "6.00")},
    P7: {
        "合同约定时限": ("partial", "9.00"),
        "资金使用效益": ("partial", "7.50"),
        "业务保障能力": ("missed", "4.00"),
        "维护社会稳定": ("achieved", "8.00"),
    },
}
ACHIEVED, PARTIAL = "达成年度指标", "部分达成并具有一定效果"
#: 偏差原因 given in sample_actuals_2024.csv for the rows whose text is too long to repeat inline.
REASONS = {
    "办理结果电子化率": "部分事项仍需纸质材料，2025年推进全程网办",
    "工资消费贡献率": "工资上调后消费占比提高，2025年指标值调整为60%",
}

OVER_ACHIEVED_P2 = "第5行“采购节支率”实际完成值偏离年度指标值较大（完成率160.00%），须填写偏差原因分析及改进措施"


def row(level1, level2, name, target, actual, weight, score, reason=None) -> dict:
    """One indicator as ``perf self-eval --json`` prints it."""
    keys = ("level1", "level2", "name", "target", "actual", "weight", "score", "reason")
    return dict(zip(keys, (level1, level2, name, target, actual, weight, score, reason), strict=True))


def execution(budget, spent, rate, score) -> dict:
    return {"budget": budget, "spent": spent, "rate": rate, "score": score}


OUT, BEN, SAT = "产出指标", "效益指标", "满意度指标"
NUM, QUA, TIM, COST = "数量指标", "质量指标", "时效指标", "成本指标"
ECO, SOC, GRN, SUS, CUS = "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"

EXPECTED = {
    P1: {
        # paid 150000 + 130000 = 280000 元 = 28.00 万元; 28 ÷ 28 = 100.00%; score min(10, 10) = 10.00
        "execution": execution("28.00", "28.00", "100.00", "10.00"),
        "indicators": [
            row(OUT, NUM, "提供材料比例", "≥40%", "45%", "12.50", "12.50"),  # 正向 met (45 < 130% × 40 = 52)
            # 正向 unmet: 81 ÷ 90 × 12.5 = 0.9 × 12.5 = 11.25
            row(OUT, QUA, "办理结果电子化率", "≥90%", "81%", "12.50", "11.25", REASONS["办理结果电子化率"]),
            row(OUT, TIM, "网上审批及时率", "≥95%", "95%", "12.50", "12.50"),  # 95 ≥ 95: met at equality
            row(OUT, COST, "项目预算控制数", "≤28万元", "280000元", "12.50", "12.50"),  # 280000元 = 28万元 ≤ 28: met
            row(BEN, ECO, "平台使用率", "≥95%", "96%", "10.00", "10.00"),  # met
            row(BEN, GRN, "网上审批率", "≥98%", "90%", "10.00", "9.18"),  # 90 ÷ 98 × 10 = 9.1836… → 9.18
            row(BEN, SUS, "长期使用性", "长期使用", ACHIEVED, "10.00", "9.50"),  # 定性 achieved: 8 ≤ 9.50 ≤ 10
            row(SAT, CUS, "服务对象满意度", "≥98%", "98.5%", "10.00", "10.00"),  # met
        ],
        # 12.50 + 11.25 + 12.50 + 12.50 + 10.00 + 9.18 + 9.50 + 10.00 = 87.43; + 10.00 = 97.43 ≥ 90: 优
        # red: E ÷ 10 = 1 ≥ 87.43 ÷ 90, no gap; nothing unspent: green
        "total": "97.43",
        "grade": "优",
        "warning": "green",
    },
    P2: {
        # 110000 + 120000 + 110000 = 340000 元 = 34.00 万元; 34 ÷ 32.9 = 103.3434…% → 103.34;
        # score min(34 ÷ 32.9 × 10 = 10.33…, 10) = 10.00 (overspending is capped)
        "execution": execution("32.90", "34.00", "103.34", "10.00"),
        "indicators": [
            row(OUT, NUM, "采购招标率", "≥98%", "100%", "12.50", "12.50"),  # met (100 < 127.4)
            # 等于 0 (the target was changed, see the fixture): 0 ≤ 0 → full points
            row(OUT, QUA, "采购有效质疑率", "=0%", "0%", "12.50", "12.50"),
            # no comparator outside 成本 → 正向: 97 ÷ 100 × 12.5 = 12.125 → 12.13 (half up; half-even gives 12.12)
            row(OUT, TIM, "开标及时率", "100%", "97%", "12.50", "12.13"),
            # 反向, default formula: (1 − (34 − 32.9) ÷ 32.9) × 12.5 = 31.8 ÷ 32.9 × 12.5 = 12.0820… → 12.08
            row(OUT, COST, "项目实际成本", "≤32.9万元", "34万元", "12.50", "12.08"),
            # > 5: 8 > 5 met → 10.00, but 8 ≥ 130% × 5 = 6.5 (完成率 8 ÷ 5 = 160.00%) and no reason: a problem
            row(BEN, ECO, "采购节支率", ">5%", "8%", "10.00", "10.00"),
            # 定性 achieved: 8 ≤ 8.50 ≤ 10
            row(BEN, SOC, "公共服务水平提升情况", "服务环境提升、满意度提升", ACHIEVED, "10.00", "8.50"),
            row(BEN, SUS, "提升城市形象", "提升形象，提升营商环境", PARTIAL, "10.00", "7.00"),  # 6 ≤ 7.00 < 8
            row(SAT, CUS, "服务对象满意", "≥98%", "99%", "10.00", "10.00"),  # met
        ],
        # 12.50 + 12.50 + 12.13 + 12.08 + 10.00 + 8.50 + 7.00 + 10.00 = 84.71; + 10.00 = 94.71: 优
        # red: E ÷ 10 = 1 ≥ 84.71 ÷ 90; overspent, nothing unspent: green
        "total": "94.71",
        "grade": "优",
        "warning": "green",
    },
    P3: {
        # 15400 + 15400 + 4445 = 35245 元 = 3.5245 万元 (shown 3.52); 3.5245 ÷ 3.71 = 0.95 exactly:
        # rate 95.00, score 0.95 × 10 = 9.50
        "execution": execution("3.71", "3.52", "95.00", "9.50"),
        "indicators": [
            row(OUT, NUM, "见习岗人员数量", "7人", "7人", "12.50", "12.50"),  # no comparator → 正向: 7 ≥ 7
            row(OUT, QUA, "见习生补贴发放标准", "2200元/月", "2200元/月", "12.50", "12.50"),  # 正向 met
            row(OUT, TIM, "见习生生活补贴发放准确率", "100%", "100%", "12.50", "12.50"),  # 正向 met
            # no comparator under 成本 → 反向: 2090 ≤ 2200 met → 12.50 (as 正向 it would be 2090 ÷ 2200 × 12.5 = 11.88);
            # 2090 > 70% × 2200 = 1540, so no reason is needed
            row(OUT, COST, "人均发放水平", "2200元/月", "2090元/月", "12.50", "12.50"),
            row(BEN, ECO, "工资消费贡献率", "100%", "100%", "10.00", "10.00"),  # 正向 met
            # 正向 unmet: 6 ÷ 7 × 10 = 8.571… → 8.57
            row(BEN, SOC, "安排就业人数", "7人", "6人", "10.00", "8.57", "1名见习生提前就业"),
            row(BEN, GRN, "基本生活保障情况", "基本保障", ACHIEVED, "10.00", "9.00"),  # 定性 achieved
            row(SAT, CUS, "服务对象满意度指标", "≥95%", "97%", "10.00", "10.00"),  # met
        ],
        # 12.50 × 4 + 10.00 + 8.57 + 9.00 + 10.00 = 87.57; + 9.50 = 97.07: 优
        # red: (87.57 ÷ 90 − 9.50 ÷ 10) ÷ (87.57 ÷ 90) = (875.7 − 855) ÷ 875.7 = 2.36% ≤ 5%; unspent 5% ≤ 20%: green
        "total": "97.07",
        "grade": "优",
        "warning": "green",
    },
    P4: {
        # 60000 + 60000 = 120000 元 = 12.00 万元; 12 ÷ 14.84 = 80.8625…% → 80.86; score 8.0862… → 8.09
        "execution": execution("14.84", "12.00", "80.86", "8.09"),
        "indicators": [
            row(OUT, NUM, "见习岗人员数量", "7人", "7人", "12.50", "12.50"),
            row(OUT, QUA, "见习生补贴发放标准", "2200元/月", "2200元/月", "12.50", "12.50"),
            row(OUT, TIM, "见习生生活补贴发放准确率", "100%", "100%", "12.50", "12.50"),
            # no comparator under 成本 → 反向, unmet: (1 − (2354 − 2200) ÷ 2200) × 12.5 = (1 − 0.07) × 12.5
            # = 11.625 → 11.63 (half up; half-even gives 11.62)
            row(OUT, COST, "人均发放水平", "2200元/月", "2354元/月", "12.50", "11.63"),
            row(BEN, ECO, "工资消费贡献率", "100%", "100%", "10.00", "10.00"),
            row(BEN, SOC, "安排就业人数", "7人", "7人", "10.00", "10.00"),
            row(BEN, GRN, "基本生活保障情况", "基本保障", ACHIEVED, "10.00", "10.00"),  # top band includes 100%
            row(SAT, CUS, "服务对象满意度指标", "≥95%", "96%", "10.00", "10.00"),
        ],
        # 12.50 × 3 + 11.63 + 10.00 × 4 = 89.13; + 8.09 = 97.22: 优
        # red: (89.13 ÷ 90 − 8.09 ÷ 10) ÷ (89.13 ÷ 90) = (891.3 − 728.1) ÷ 891.3 = 18.31% > 5%: red
        "total": "97.22",
        "grade": "优",
        "warning": "red",
    },
    P5: {
        # 12 × 107500 = 1290000 元, refund −6450 → 1283550 元 = 128.355 万元 (shown 128.36, half up); the
        # 5000 元 paid on 2025-01-08 is after the year end and not counted.
        # rate 1283550 ÷ 1290000 = 99.50%; score 0.995 × 10 = 9.95
        "execution": execution("129.00", "128.36", "99.50", "9.95"),
        "indicators": [
            row(OUT, TIM, "工资发放及时率", "100%", "100%", "12.50", "12.50"),  # 正向 met
            # 反向 met: 128.355 ≤ 129; 128.355 > 70% × 129 = 90.3, no reason needed
            row(OUT, COST, "劳务成本", "≤129万元", "128.355万元", "12.50", "12.50"),
            row(OUT, QUA, "工资标准", "≥2200元/月", "2380元/月", "12.50", "12.50"),  # met, 2380 < 2860 (130%)
            # no comparator, 数量 → 正向: 22 ÷ 27 × 12.5 = 10.185… → 10.19
            row(OUT, NUM, "劳务派遣人员数量", "27人", "22人", "12.50", "10.19", "5人离职，岗位待补充"),
            row(BEN, ECO, "安排就业人数", "27人", "22人", "10.00", "8.15"),  # 22 ÷ 27 × 10 = 8.148… → 8.15
            row(BEN, SOC, "基本生活保障情况", "100%", "90%", "10.00", "9.00"),  # 90 ÷ 100 × 10 = 9.00
            # met; 65 = 130% × 50 exactly, so a reason is required, and the file gives one
            row(BEN, SUS, "工资消费贡献率", "≥50%", "65%", "10.00", "10.00", REASONS["工资消费贡献率"]),
            row(SAT, CUS, "工资发放及时率", "100%", "90%", "10.00", "9.00"),  # the file's 一级指标 tells the two apart
        ],
        # 12.50 × 3 + 10.19 + 8.15 + 9.00 + 10.00 + 9.00 = 83.84; + 9.95 = 93.79: 优
        # red: E ÷ 10 = 0.995 ≥ 83.84 ÷ 90 = 0.93; unspent 0.5%: green
        "total": "93.79",
        "grade": "优",
        "warning": "green",
    },
    P6: {
        # 156280 + 195350 + 97675 = 449305 元 = 44.9305 万元 (shown 44.93); 44.9305 ÷ 50 = 89.861% → 89.86;
        # score 8.9861 → 8.99
        "execution": execution("50.00", "44.93", "89.86", "8.99"),
        "indicators": [
            # 反向 (≤), default formula: 2600 ≥ 2 × 1280 = 2560, so 0:
            # (1 − (2600 − 1280) ÷ 1280) × 12.5 = −0.390625, floored at 0.00
            row(OUT, NUM, "支持企业数量", "≤1280家", "2600家", "12.50", "0.00", "新设企业数量大幅增加"),
            row(OUT, QUA, "产品合格率", "100%", "100%", "12.50", "12.50"),
            row(OUT, TIM, "委托业务完成及时率(%)", "100%", "100%", "12.50", "12.50"),
            # 449305元 = 44.9305万元 ≤ 50: met; 44.9305 > 70% × 50 = 35, no reason needed
            row(OUT, COST, "预算总成本", "≤50万元", "449305元", "12.50", "12.50"),
            # 二级 is 经济效益, not 成本, so no comparator → 正向 (the 三级 name does not count):
            # 351.63 ÷ 390.7 × 10 = 0.9 × 10 = 9.00 (反向 would give 10.00)
            row(BEN, ECO, "运行成本", "390.7元/套", "351.63元/套", "10.00", "9.00"),
            row(BEN, SOC, "优化营商环境", "优化营商环境", ACHIEVED, "10.00", "8.00"),  # achieved, floor 80% included
            row(BEN, SUS, "长期实用性", "长期实用", PARTIAL, "10.00", "6.00"),  # partial, floor 60% included
            row(SAT, CUS, "服务对象满意度", "≥99%", "96%", "10.00", "9.70"),  # 96 ÷ 99 × 10 = 9.6969… → 9.70
        ],
        # 0.00 + 12.50 × 3 + 9.00 + 8.00 + 6.00 + 9.70 = 70.20; + 8.99 = 79.19: 中
        # red: E ÷ 10 = 0.899 ≥ 70.20 ÷ 90 = 0.78; unspent 10.14%: green
        "total": "79.19",
        "grade": "中",
        "warning": "green",
    },
    P7: {
        # 120000 + 98000 + 100000 = 318000 元 = 31.80 万元; 31.8 ÷ 40 = 79.50%; score 7.95
        "execution": execution("40.00", "31.80", "79.50", "7.95"),
        "indicators": [
            row(OUT, NUM, "评审合格率", "100%", "100%", "12.50", "12.50"),
            row(OUT, QUA, "评审项目成功率", "100%", "80%", "12.50", "10.00"),  # 80 ÷ 100 × 12.5 = 10.00
            # 定性 partial on 12.50 points: 7.50 ≤ 9.00 < 10.00
            row(OUT, TIM, "合同约定时限", "约定期限内", "大部分评审在约定期限内完成", "12.50", "9.00"),
            row(OUT, COST, "预算控制数", "≤40万元", "31.8万元", "12.50", "12.50"),  # met; 31.8 > 70% × 40 = 28
            row(BEN, ECO, "资金使用效益", "有限的资金带来无限的可能", "资金使用效益一般", "10.00", "7.50"),  # partial
            row(BEN, SOC, "业务保障能力", "服务对象满意度提升", "业务保障能力不足", "10.00", "4.00"),  # missed: < 6
            row(BEN, SUS, "维护社会稳定", "改善营商环境", "营商环境有所改善", "10.00", "8.00"),  # achieved
            row(SAT, CUS, "服务对象满意度", "≥98%", "90%", "10.00", "9.18"),  # 90 ÷ 98 × 10 = 9.1836… → 9.18
        ],
        # 12.50 + 10.00 + 9.00 + 12.50 + 7.50 + 4.00 + 8.00 + 9.18 = 72.68; + 7.95 = 80.63: 良
        # red: (72.68 ÷ 90 − 7.95 ÷ 10) ÷ (72.68 ÷ 90) = (726.8 − 715.5) ÷ 726.8 = 1.55% ≤ 5%: not red;
        # unspent (40 − 31.8) ÷ 40 = 20.5% > 20%: yellow
        "total": "80.63",
        "grade": "良",
        "warning": "yellow",
    },
}


def invoke(runner, *args):
    result = runner.invoke(args=["perf", *args])
    assert result.exit_code == 0, result.output + (result.stderr or "")
    return result


def self_eval(runner, code: str) -> dict:
    return json.loads(invoke(runner, "self-eval", code, "--year", "2024", "--json").output)


def project(session, code: str) -> Project:
    return session.scalar(sa.select(Project).where(Project.code == code))


def indicator(session, code: str, name: str) -> Indicator:
    query = sa.select(Indicator).join(Project).where(Project.code == code, Indicator.name == name)
    return session.scalars(query).one()


@pytest.fixture
def imported(session, runner, demo):
    """The sample department with the files of ``data/`` imported and the 定性 bands given."""
    # The sample has no “=” target. 采购有效质疑率 “<4%” becomes “=0%” (no valid complaint at all), with
    # every parsed column set as the indicator editor would (comparator =, target 0, unit %, direction equal).
    complaints = indicator(session, P2, "采购有效质疑率")
    for name, value in value_fields("=0%", complaints.level1, complaints.level2).items():
        setattr(complaints, name, value)
    assert (complaints.comparator, complaints.target, complaints.direction) == ("=", 0, "equal")
    session.commit()

    paid = invoke(runner, "import-payments", str(DATA / "sample_payments_2024.csv"))
    # 2 + 3 + 3 + 2 + 14 + 3 + 3 = 30 payments (P5: 12 months, a refund, one in 2025), the 合计 line skipped;
    # 280000 + 340000 + 35245 + 120000 + (1290000 − 6450 + 5000) + 449305 + 318000 = 2831100
    assert "新增 30 笔，未变 0 笔，合计金额 2831100.00 元" in paid.output
    assert "已跳过合计行：第32行" in paid.output
    actuals = invoke(runner, "import-actuals", str(DATA / "sample_actuals_2024.csv"))
    # 7 + 6 + 7 + 7 + 8 + 6 + 8 rows (P7 includes its four 定性 descriptions)
    assert "实际完成值：新增 49 条，更新 0 条，未变 0 条" in actuals.output

    for code, bands in BANDS.items():
        rows = [
            EvaluationRow(indicator_id=indicator(session, code, name).id, band=band, band_score=score)
            for name, (band, score) in bands.items()
        ]
        session.add(SelfEvaluation(project_id=project(session, code).id, rows=rows))
    session.commit()


@pytest.mark.parametrize("code", list(EXPECTED))
def test_self_eval_json_equals_the_hand_computed_scores(runner, imported, code):
    assert self_eval(runner, code) == EXPECTED[code]


def test_only_the_unexplained_over_achievement_blocks_submission(session, runner, imported):
    problems = {code: evaluation_of(project(session, code)).problems for code in EXPECTED}
    # P2's 采购节支率 (8% against >5%, 完成率 160.00% ≥ 130%) has no 偏差原因;
    # P5's 工资消费贡献率 (65% against ≥50%, exactly 130%) has one.
    assert problems == {code: (OVER_ACHIEVED_P2,) if code == P2 else () for code in EXPECTED}
    assert f"待补充：{OVER_ACHIEVED_P2}" in invoke(runner, "self-eval", P2, "--year", "2024").output


def test_a_reason_in_the_actuals_file_clears_the_over_achievement(session, runner, imported):
    result = invoke(runner, "import-actuals", str(DATA / "sample_actuals_2024_reason.csv"))
    assert "实际完成值：新增 0 条，更新 1 条，未变 0 条" in result.output

    assert evaluation_of(project(session, P2)).problems == ()
    expected = copy.deepcopy(EXPECTED[P2])
    expected["indicators"][4]["reason"] = "集中采购规模扩大，节支率超出预期；2025年指标值调整为7%"  # score stays 10.00
    assert self_eval(runner, P2) == expected


def test_equal_zero_target_with_a_complaint_scores_nothing(session, runner, imported):
    invoke(runner, "import-actuals", str(DATA / "sample_actuals_2024_complaint.csv"))

    expected = copy.deepcopy(EXPECTED[P2])
    expected["indicators"][1].update(actual="0.5%", score="0.00")  # =0%: 0.5 > 0 → 0 points
    expected["total"], expected["grade"] = "82.21", "良"  # 94.71 − 12.50 = 82.21: 良 (80 ≤ 82.21 < 90)
    assert self_eval(runner, P2) == expected
    rule = evaluation_of(project(session, P2)).rows[1].result.rule_used
    assert rule == "equal_zero_unmet"


def test_the_ratio_formula_for_reverse_indicators(app, runner, imported, monkeypatch):
    monkeypatch.setitem(app.config, "SELF_EVALUATION", {"reverse_formula": "ratio"})
    # Only rows that are 反向 and unmet change: target ÷ actual × points.
    changes = {
        # 32.9 ÷ 34 × 12.5 = 12.0955… → 12.10; 84.71 − 12.08 + 12.10 = 84.73; + 10.00 = 94.73: 优
        P2: ({3: "12.10"}, "94.73", "优", "green"),
        # 2200 ÷ 2354 × 12.5 = 11.6822… → 11.68; 89.13 − 11.63 + 11.68 = 89.18; + 8.09 = 97.27: 优
        # red: (891.8 − 728.1) ÷ 891.8 = 18.36% > 5%
        P4: ({3: "11.68"}, "97.27", "优", "red"),
        # 1280 ÷ 2600 × 12.5 = 6.1538… → 6.15 (no zero at 2 × target); 70.20 + 6.15 = 76.35; + 8.99 = 85.34: 良
        # red: E ÷ 10 = 0.899 ≥ 76.35 ÷ 90 = 0.848; green
        P6: ({0: "6.15"}, "85.34", "良", "green"),
    }
    for code in EXPECTED:
        expected = copy.deepcopy(EXPECTED[code])
        if code in changes:
            scores, expected["total"], expected["grade"], expected["warning"] = changes[code]
            for index, score in scores.items():
                expected["indicators"][index]["score"] = score
        assert self_eval(runner, code) == expected, code


def test_an_unknown_indicator_refuses_the_whole_file(session, runner, demo):
    result = runner.invoke(args=["perf", "import-actuals", str(DATA / "sample_actuals_2024_unknown_indicator.csv")])
    assert result.exit_code == 1
    errors = result.stderr or result.output
    assert (
        "第3行：项目 13020724P00X4BL10005W（“互联网+政务服务”行政审批网络维护费）的绩效目标表没有三级指标“网上办理率”"
        in errors
    )
    assert "共 1 个问题，未导入任何实际完成值。" in errors
    # 第2行 was valid, but nothing is written.
    assert session.scalar(sa.select(sa.func.count(ActualValue.id))) == 0
