"""Importing actual values (CSV, XLSX): all or nothing, idempotent; and ``perf import-actuals``."""

import io
from datetime import date
from decimal import Decimal as D

import openpyxl
import sqlalchemy as sa

from perf.actuals.cli import import_actuals_command
from perf.actuals.importer import import_actuals
from perf.actuals.models import ActualValue
from perf.audit.models import AuditEntry
from perf.projects.models import Indicator

NETWORK = "13020724P00X4BL10005W"
LABOUR = "13020724P00J22H100076"  # 工资发放及时率 twice: 第1行 产出指标, 第8行 满意度指标
CHINESE = ["项目编码", "三级指标", "实际完成值", "偏差原因"]
ENGLISH = ["project_code", "indicator", "actual", "reason"]
ROWS = [
    [NETWORK, "网上审批及时率", "96%", ""],
    [NETWORK, "项目预算控制数", "27.5万元", ""],
    [NETWORK, "平台使用率", "93%", "部分业务仍需线下办理"],
]


def csv_bytes(rows, header=CHINESE, encoding="utf-8") -> bytes:
    return ("\r\n".join(",".join(str(c) for c in row) for row in [header, *rows]) + "\r\n").encode(encoding)


def xlsx_bytes(rows, header=CHINESE) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(data: bytes, filename="actuals.csv", year=None):
    return import_actuals(data, filename, actor="cli", year=year)


def problems(result) -> list[str]:
    return [str(p) for p in result.problems]


def stored(session) -> list[tuple]:
    query = (
        sa.select(Indicator.name, Indicator.position, ActualValue.as_of, ActualValue.value_text, ActualValue.reason)
        .join(Indicator, Indicator.id == ActualValue.indicator_id)
        .order_by(ActualValue.id)
    )
    return [tuple(r) for r in session.execute(query)]


def counts(session) -> tuple[int, int]:
    values = session.scalar(sa.select(sa.func.count(ActualValue.id)))
    entries = session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "actual.set"))
    return values, entries


YEAR_END = date(2024, 12, 31)


def test_csv_with_chinese_headers(session, demo):
    result = run(csv_bytes(ROWS))
    assert problems(result) == []
    assert (len(result.created), len(result.updated), len(result.unchanged)) == (3, 0, 0)
    assert stored(session) == [
        ("网上审批及时率", 3, YEAR_END, "96%", ""),
        ("项目预算控制数", 4, YEAR_END, "27.5万元", ""),
        ("平台使用率", 5, YEAR_END, "93%", "部分业务仍需线下办理"),
    ]
    assert counts(session) == (3, 3)
    numbers = session.execute(sa.select(ActualValue.number, ActualValue.unit).order_by(ActualValue.id)).all()
    assert [tuple(n) for n in numbers] == [(D("96"), "%"), (D("27.5"), "万元"), (D("93"), "%")]


def test_xlsx_with_english_headers_dates_and_numbers(session, demo):
    header = [*ENGLISH, "as_of", "付款人"]
    rows = [
        [NETWORK, "网上审批及时率", 96, "", date(2024, 7, 31), "x"],  # a number cell takes the target's unit
        [NETWORK, "网上审批及时率", "97%", "", "2024年12月31日", "x"],
        [NETWORK, "长期使用性", "平台持续运行", None, None, "x"],
    ]
    result = run(xlsx_bytes(rows, header=header), "actuals.xlsx")
    assert problems(result) == []
    assert result.ignored_columns == ["付款人"]
    assert stored(session) == [
        ("网上审批及时率", 3, date(2024, 7, 31), "96", ""),
        ("网上审批及时率", 3, YEAR_END, "97%", ""),
        ("长期使用性", 7, YEAR_END, "平台持续运行", ""),
    ]


def test_reimport_changes_nothing_and_a_changed_value_updates(session, demo):
    data = csv_bytes(ROWS)
    assert run(data).ok
    again = run(data)
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 3)
    assert counts(session) == (3, 3)
    changed = run(csv_bytes([[NETWORK, "网上审批及时率", "97%", ""], *ROWS[1:]]))
    assert (len(changed.created), len(changed.updated), len(changed.unchanged)) == (0, 1, 2)
    assert stored(session)[0][3] == "97%"
    assert counts(session) == (3, 4)


def test_unknown_project_and_indicator_name_the_row(session, demo):
    rows = [ROWS[0], ["13020724P00NOSUCH0001", "网上审批及时率", "96%", ""], [NETWORK, "不存在的指标", "1", ""]]
    result = run(csv_bytes(rows))
    assert problems(result) == [
        "第3行：系统中没有项目编码为 13020724P00NOSUCH0001 的项目",
        "第4行：项目 13020724P00X4BL10005W（“互联网+政务服务”行政审批网络维护费）的绩效目标表"
        "没有三级指标“不存在的指标”",
    ]
    assert counts(session) == (0, 0)


def test_year_option_picks_the_budget_year(session, demo):
    result = run(csv_bytes(ROWS[:1]), year=2023)
    assert problems(result) == ["第2行：2023 年度没有项目编码为 13020724P00X4BL10005W 的项目"]
    assert run(csv_bytes(ROWS[:1]), year=2024).ok


def test_rule_breaks_and_bad_dates_name_the_row_and_nothing_is_written(session, demo):
    header = [*CHINESE, "日期"]
    rows = [
        [*ROWS[0], ""],
        [NETWORK, "平台使用率", "很好", "", ""],
        [NETWORK, "项目预算控制数", "27.5个", "", ""],
        [NETWORK, "网上审批及时率", "96%", "", "2024-13-01"],
        [NETWORK, "服务对象满意度", "99%", "", "2023-12-31"],
        [NETWORK, "办理结果电子化率", "", "", ""],
    ]
    result = run(csv_bytes(rows, header=header))
    assert problems(result) == [
        "第3行：年度指标值“≥95%”是定量指标，实际完成值应为一个数（如 96% 或 7人），不能是“很好”",
        "第4行：实际完成值的单位“个”与年度指标值的单位“万元”不一致（年度指标值为“≤28万元”）",
        "第5行：日期 2024-13-01 不存在",
        "第6行：日期 2023-12-31 不在 2024 预算年度内",
        "第7行：请填写实际完成值",
    ]
    assert counts(session) == (0, 0)
    assert result.created == []


def test_a_name_twice_in_the_table_is_ambiguous(session, demo):
    result = run(csv_bytes([[LABOUR, "工资发放及时率", "100%", ""]]))
    assert problems(result) == [
        "第2行：三级指标“工资发放及时率”在项目 13020724P00J22H100076（劳务派遣人员经费（劳务费））的绩效目标表中"
        "出现了 2 次：第1行（产出指标 / 时效指标）、第8行（满意度指标 / 服务对象满意度指标），"
        "请增加“一级指标”列加以区分"
    ]
    assert counts(session) == (0, 0)


def test_level1_column_tells_them_apart(session, demo):
    header = [*CHINESE, "一级指标"]
    rows = [
        [LABOUR, "工资发放及时率", "100%", "", "产出指标"],
        [LABOUR, "工资发放及时率", "98%", "个别人员信息变更", "满意度"],  # 满意度 = 满意度指标
        [LABOUR, "劳务成本", "128万元", "", ""],
    ]
    result = run(csv_bytes(rows, header=header))
    assert problems(result) == []
    assert stored(session) == [
        ("工资发放及时率", 1, YEAR_END, "100%", ""),
        ("工资发放及时率", 8, YEAR_END, "98%", "个别人员信息变更"),
        ("劳务成本", 2, YEAR_END, "128万元", ""),
    ]


def test_level1_that_does_not_hold_the_name(session, demo):
    header = [*CHINESE, "一级指标"]
    result = run(csv_bytes([[LABOUR, "工资发放及时率", "100%", "", "效益指标"]], header=header))
    assert problems(result) == [
        "第2行：项目 13020724P00J22H100076（劳务派遣人员经费（劳务费））的绩效目标表"
        "一级指标“效益指标”下没有三级指标“工资发放及时率”"
    ]


def test_duplicate_lines_name_both(session, demo):
    rows = [ROWS[0], ROWS[1], [NETWORK, "网上审批及时率", "97%", ""]]
    result = run(csv_bytes(rows))
    assert problems(result) == [
        "第4行：与第2行重复：项目 13020724P00X4BL10005W 的三级指标“网上审批及时率”（2024-12-31）"
        "在第2行和第4行都有实际完成值"
    ]
    assert counts(session) == (0, 0)


def test_missing_columns_and_empty_files(session, demo):
    assert problems(run(csv_bytes(ROWS, header=["项目编码", "三级指标", "数值", "偏差原因"]))) == [
        "第1行：缺少必需的列：实际完成值（actual）（表头应在前几行，标题行之下）"
    ]
    assert problems(run(b"")) == ["文件：文件为空"]
    assert problems(run(csv_bytes([]))) == ["第1行：文件中只有表头，没有实际完成值"]


def test_gb18030_csv(session, demo):
    assert problems(run(csv_bytes(ROWS, encoding="gb18030"))) == []
    assert counts(session) == (3, 3)


# --- the command ---------------------------------------------------------------------


def invoke(runner, path, *args):
    return runner.invoke(import_actuals_command, [str(path), *args])


def test_cli_imports_commits_and_summarises(runner, session, demo, tmp_path):
    path = tmp_path / "实际完成值.csv"
    path.write_bytes(csv_bytes(ROWS))
    result = invoke(runner, path)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "实际完成值：新增 3 条，更新 0 条，未变 0 条"
    session.rollback()  # what the command committed stays
    assert counts(session) == (3, 3)
    again = invoke(runner, path, "--year", "2024")
    assert again.exit_code == 0, again.output
    assert again.stdout.strip() == "实际完成值：新增 0 条，更新 0 条，未变 3 条"


def test_cli_reports_problems_on_stderr_and_exits_1(runner, session, demo, tmp_path):
    path = tmp_path / "实际完成值.xlsx"
    path.write_bytes(xlsx_bytes([ROWS[0], [NETWORK, "不存在的指标", "1", ""], ROWS[0]]))
    result = invoke(runner, path)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert [line.split("：")[0] for line in lines[:2]] == ["第3行", "第4行"]
    assert lines[-1] == "共 2 个问题，未导入任何实际完成值。"
    session.rollback()
    assert counts(session) == (0, 0)


def test_cli_refuses_a_missing_file(runner, session, tmp_path):
    assert invoke(runner, tmp_path / "none.csv").exit_code == 2


def test_an_excel_percent_cell_reads_as_shown(runner, demo, tmp_path, session):
    """Excel stores 96% as 0.96 with a percent format; perf reads what the user sees."""
    import openpyxl

    from perf.actuals.models import ActualValue

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["项目编码", "三级指标", "实际完成值"])
    sheet.append(["13020724P00X4BL10005W", "平台使用率", 0.96])
    sheet["C2"].number_format = "0%"
    path = tmp_path / "actuals.xlsx"
    book.save(path)
    result = runner.invoke(args=["perf", "import-actuals", str(path)])
    assert result.exit_code == 0, result.stderr
    stored = session.scalar(sa.select(ActualValue))
    assert (stored.value_text, stored.number, stored.unit) == ("96%", 96, "%")
