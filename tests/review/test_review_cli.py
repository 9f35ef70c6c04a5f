"""``perf review CODE``: JSON and readable output over the sample, exit statuses."""

import json

from perf.cli import perf_group
from perf.review.cli import review

# The integrator registers the command in perf.cli; until then the tests do (idempotent).
perf_group.add_command(review)

BUSINESS = "13020724P00P8L210007E"  # 业务经费: warnings only
LABOUR = "13020724P00J22H100076"  # 劳务派遣人员经费: 工资发放及时率 twice (an error)
CLEAN = "13020724P00F48410007F"  # 就业见习基本生活费补贴: no findings


def run(runner, *args):
    return runner.invoke(args=["perf", "review", *args])


def stderr(result):
    return result.stderr or result.output


def test_json_flags_the_slogan_and_the_rate_under_quantity(runner, demo):
    result = run(runner, BUSINESS, "--json")
    assert result.exit_code == 0, stderr(result)
    findings = json.loads(result.stdout)
    assert [(f["rule"], f["severity"], f["indicator"]) for f in findings] == [
        ("rate-under-quantity", "warning", "评审合格率"),
        ("qualitative-in-quantitative", "warning", "合同约定时限"),
        ("unmeasurable-value", "warning", "资金使用效益"),
    ]
    assert all(set(f) == {"rule", "severity", "message", "indicator"} for f in findings)
    assert findings[0]["message"].startswith("第1行“评审合格率”：比率类指标不宜放在数量指标下")
    assert "“有限的资金带来无限的可能”含有“无限”" in findings[2]["message"]
    assert "有限的资金带来无限的可能" in result.stdout  # not \\u-escaped


def test_errors_exit_1_and_still_print_the_findings(runner, demo):
    result = run(runner, LABOUR, "--json", "--year", "2024")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert [(f["rule"], f["severity"], f["indicator"]) for f in findings] == [
        ("duplicate-name", "error", "工资发放及时率"),
        ("satisfaction-name", "warning", "工资发放及时率"),
    ]
    assert findings[0]["message"].startswith("第8行“工资发放及时率”：与第1行（产出指标/时效指标）重名")


def test_readable_output_in_chinese(runner, demo):
    result = run(runner, BUSINESS)
    assert result.exit_code == 0, stderr(result)
    lines = result.stdout.splitlines()
    assert lines[0] == f"项目 {BUSINESS} 业务经费（2024 年度）：错误 0 条，警告 3 条"
    assert lines[1].startswith("[警告] 第1行“评审合格率”：比率类指标不宜放在数量指标下")
    assert lines[1].endswith("（rate-under-quantity）")
    assert len(lines) == 4


def test_readable_output_of_a_clean_project(runner, demo):
    result = run(runner, CLEAN)
    assert result.exit_code == 0, stderr(result)
    assert result.stdout.splitlines() == [
        f"项目 {CLEAN} 就业见习基本生活费补贴（2024 年度）：错误 0 条，警告 0 条",
        "未发现问题。",
    ]
    assert json.loads(run(runner, CLEAN, "--json").stdout) == []


def test_readable_output_marks_errors(runner, demo):
    result = run(runner, LABOUR)
    assert result.exit_code == 1
    assert "错误 1 条，警告 1 条" in result.stdout
    assert "[错误] 第8行“工资发放及时率”：与第1行" in result.stdout


def test_unknown_project_fails_in_chinese(runner, demo):
    result = run(runner, "NOPE", "--json")
    assert result.exit_code == 1
    assert "任何年度中没有项目编码为 NOPE 的项目" in stderr(result)
    wrong_year = run(runner, BUSINESS, "--year", "2023")
    assert wrong_year.exit_code == 1
    assert f"2023 年度中没有项目编码为 {BUSINESS} 的项目" in stderr(wrong_year)


def test_unknown_project_on_an_empty_database(runner):
    result = run(runner, BUSINESS)
    assert result.exit_code == 1
    assert "没有项目编码为" in stderr(result)
