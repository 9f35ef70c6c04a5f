"""Importing a treasury payment export (CSV, XLSX): all or nothing, idempotent; and ``perf import-payments``."""

import io
from datetime import date, datetime
from decimal import Decimal as D

import openpyxl
import pytest
import sqlalchemy as sa

from perf.audit.models import AuditEntry
from perf.documents.tabular import Problem
from perf.projects.queries import project_by_code
from perf.spending.cli import import_payments_command
from perf.spending.importer import import_payments
from perf.spending.models import Payment
from perf.spending.schemas import PaymentData
from perf.spending.services import add_payment

CODE = "13020724P00X4BL10005W"  # 预算数 28.00 万元
OTHER = "13020724P00000410001A"
CHINESE = ["项目编码", "支付日期", "金额（元）", "凭证号", "摘要"]
ENGLISH = ["project_code", "date", "amount_yuan", "voucher_no", "note"]
ROWS = [
    [CODE, "2024-06-30", "90,000.00", "PZ001", "网络维护费（上半年）"],
    [CODE, "2024/7/15", "8000", "PZ002", "网络维护费（7月）"],
    [OTHER, "2024年3月1日", "12,345.67", "PZ001", "办公设备"],
]


def csv_bytes(rows, header=CHINESE, encoding="utf-8", delimiter=",", bom=False) -> bytes:
    lines = [delimiter.join(header), *(delimiter.join(_quote(c, delimiter) for c in row) for row in rows)]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


def _quote(cell, delimiter) -> str:
    cell = str(cell)
    return f'"{cell}"' if delimiter in cell or "\n" in cell else cell


def xlsx_bytes(rows, header=CHINESE, title=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def stored(session) -> list[tuple]:
    rows = session.execute(
        sa.select(
            Payment.voucher_no, Payment.paid_on, Payment.amount, Payment.source, Payment.note, Payment.refund_of
        ).order_by(Payment.id)
    )
    return [tuple(r) for r in rows]


def counts(session) -> tuple[int, int]:
    payments = session.scalar(sa.select(sa.func.count(Payment.id)))
    entries = session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action.like("payment.%")))
    return payments, entries


def run(data: bytes, filename="payments.csv", year=None):
    return import_payments(data, filename, actor="cli", year=year)


def problems(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_csv_with_chinese_headers(session, demo):
    result = run(csv_bytes(ROWS))
    assert problems(result) == []
    assert (len(result.created), len(result.unchanged), result.total) == (3, 0, D("110345.67"))
    assert stored(session) == [
        ("PZ001", date(2024, 6, 30), D("90000.00"), "fiscal", "网络维护费（上半年）", None),
        ("PZ002", date(2024, 7, 15), D("8000.00"), "fiscal", "网络维护费（7月）", None),
        ("PZ001", date(2024, 3, 1), D("12345.67"), "fiscal", "办公设备", None),
    ]
    entries = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "payment.import")).all()
    assert [e.summary for e in entries] == [
        "导入支付 凭证号 PZ001，90000.00 元",
        "导入支付 凭证号 PZ002，8000.00 元",
        "导入支付 凭证号 PZ001，12345.67 元",
    ]
    assert {e.actor for e in entries} == {"cli"}


def test_csv_with_english_headers_and_source(session, demo):
    header = [*ENGLISH, "source"]
    result = run(csv_bytes([[*ROWS[0], "other"], [*ROWS[1], ""]], header=header))
    assert problems(result) == []
    assert [row[3] for row in stored(session)] == ["other", "fiscal"]


@pytest.mark.parametrize("amount_header", ["金额(元)", "金额（元）", " 金额 ( 元 ) ", "AMOUNT_YUAN"])
def test_amount_header_variants(session, demo, amount_header):
    header = ["项目编码", "支付日期", amount_header, "凭证号", "摘要"]
    assert problems(run(csv_bytes(ROWS[:1], header=header))) == []
    assert stored(session)[0][2] == D("90000.00")


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [
        ("utf-8", True, ","),
        ("utf-8", False, ","),
        ("gb18030", False, ","),
        ("utf-8", False, "\t"),
        ("utf-16", False, "\t"),
    ],
)
def test_encodings_and_delimiters(session, demo, encoding, bom, delimiter):
    result = run(csv_bytes(ROWS, encoding=encoding, bom=bom, delimiter=delimiter))
    assert problems(result) == []
    assert [row[4] for row in stored(session)] == [r[4] for r in ROWS]


def test_xlsx_built_with_openpyxl(session, demo):
    rows = [
        [CODE, datetime(2024, 6, 30), 90000, 20240001, "网络维护费"],  # Excel date, number, numeric voucher
        [CODE, "2024/7/15", 8000.5, "PZ002", None],
        [CODE, date(2024, 8, 1), "-500", "PZ003", "退款"],
    ]
    header = [*CHINESE, "资金来源", "原凭证号"]
    rows = [[*rows[0], "财政资金", None], [*rows[1], "其他资金", None], [*rows[2], None, "20240001"]]
    result = run(xlsx_bytes(rows, header=header, title=True), "支付.xlsx")
    assert problems(result) == []
    assert stored(session) == [
        ("20240001", date(2024, 6, 30), D("90000.00"), "fiscal", "网络维护费", None),
        ("PZ002", date(2024, 7, 15), D("8000.50"), "other", "", None),
        ("PZ003", date(2024, 8, 1), D("-500.00"), "fiscal", "退款", "20240001"),
    ]


def test_xlsx_numbers_are_read_as_excel_shows_them(session, demo):
    rows = [
        [CODE, datetime(2024, 6, 30), 1234.5600000000002, "PZ001", ""],
        [CODE, "2024-06-30", 0.1 + 0.2, "PZ002", ""],
    ]
    assert problems(run(xlsx_bytes(rows), "支付.xlsx")) == []
    assert [row[2] for row in stored(session)] == [D("1234.56"), D("0.30")]


def test_xlsx_problems_name_the_sheet_row(session, demo):
    rows = [[CODE, datetime(2024, 6, 30), 90000.123, "PZ001", ""]]
    result = run(xlsx_bytes(rows, title=True), "支付.xlsx")  # a blank first row: header on row 2, data on row 3
    assert problems(result) == ["第3行：金额最多 2 位小数（精确到分）"]


def test_a_duplicate_inside_the_file_names_both_rows(session, demo):
    rows = [ROWS[0], ROWS[1], [CODE, "2024-08-01", "1", "PZ001", "重复"]]
    result = run(csv_bytes(rows))
    assert problems(result) == [f"第4行：凭证号 PZ001 在第2行和第4行重复（项目 {CODE}）"]
    assert counts(session) == (0, 0)


def test_the_same_voucher_in_two_projects_is_no_duplicate(session, demo):
    assert problems(run(csv_bytes([ROWS[0], ROWS[2]]))) == []


def test_a_negative_amount_needs_the_voucher_it_refunds(session, demo):
    rows = [ROWS[0], [CODE, "2024-08-01", "-500", "PZ009", "退款"]]
    result = run(csv_bytes(rows))
    assert problems(result) == ["第3行：退款（负数金额）须填写原凭证号"]
    assert counts(session) == (0, 0)


def test_a_refund_may_precede_its_payment_in_the_file(session, demo):
    header = [*CHINESE, "原凭证号"]
    rows = [[CODE, "2024-08-01", "-500", "PZ009", "退款", "PZ001"], [*ROWS[0], ""]]
    assert problems(run(csv_bytes(rows, header=header))) == []
    assert sorted(row[2] for row in stored(session)) == [D("-500.00"), D("90000.00")]


def test_refunds_in_a_file_are_checked_against_the_original(session, demo):
    header = [*CHINESE, "原凭证号"]
    rows = [
        [*ROWS[0], ""],
        [CODE, "2024-08-01", "-90000", "PZ008", "退款", "PZ001"],
        [CODE, "2024-08-02", "-0.01", "PZ009", "再退", "PZ001"],
        [CODE, "2024-08-03", "-1", "PZ010", "退不存在的", "PZ404"],
    ]
    assert problems(run(csv_bytes(rows, header=header))) == [
        "第3行：凭证号 PZ001 原支付 90,000.00 元，退款合计 90,000.01 元，超过原支付金额",
        "第4行：凭证号 PZ001 原支付 90,000.00 元，退款合计 90,000.01 元，超过原支付金额",
        "第5行：本项目没有凭证号为 PZ404 的支付记录，无法退款",
    ]
    assert counts(session) == (0, 0)


def test_an_unknown_project_code(session, demo):
    rows = [ROWS[0], ["13020724P00NOSUCH00", "2024-06-30", "1", "PZ1", ""]]
    assert problems(run(csv_bytes(rows))) == ["第3行：系统中没有项目编码为 13020724P00NOSUCH00 的项目"]
    assert problems(run(csv_bytes(ROWS[:1]), year=2023)) == [f"第2行：2023 年度没有项目编码为 {CODE} 的项目"]
    assert counts(session) == (0, 0)


def test_the_year_option_finds_the_project_in_that_year(session, demo):
    assert problems(run(csv_bytes(ROWS[:1]), year=2024)) == []


def test_reimporting_the_same_file_changes_nothing(session, demo):
    data = csv_bytes(ROWS)
    run(data)
    before, before_counts = stored(session), counts(session)
    result = run(data)
    assert problems(result) == []
    assert (len(result.created), len(result.unchanged), result.total) == (0, 3, D("110345.67"))
    assert stored(session) == before
    assert counts(session) == before_counts


def test_the_same_payments_typed_differently_are_unchanged(session, demo):
    run(csv_bytes(ROWS))
    retyped = [
        [CODE, "2024年6月30日", "90000", "ＰＺ００１", "网络维护费（上半年）"],
        [CODE, "2024-07-15", "8,000.00", "PZ002", " 网络维护费（7月） "],
    ]
    result = run(xlsx_bytes(retyped), "again.xlsx")
    assert (problems(result), len(result.unchanged)) == ([], 2)


def test_a_stored_voucher_with_other_content_is_an_error(session, demo):
    run(csv_bytes(ROWS[:1]))
    before = counts(session)
    changed = [[CODE, "2024-06-30", "91,000.00", "PZ001", "网络维护费（上半年）"], ROWS[1]]
    result = run(csv_bytes(changed))
    assert problems(result) == ["第2行：凭证号 PZ001 已存在且内容不同：金额（元）已存 90000.00，现为 91000.00"]
    assert counts(session) == before  # PZ002 was clean, yet nothing was written


def test_a_voucher_entered_by_hand_is_unchanged_when_imported_identically(session, demo):
    project = project_by_code(CODE, 2024)
    add_payment(
        project, PaymentData(CODE, date(2024, 6, 30), D("90000"), "PZ001", note="网络维护费（上半年）"), "t-owner"
    )
    result = run(csv_bytes(ROWS[:2]))
    assert (problems(result), len(result.created), len(result.unchanged)) == ([], 1, 1)


def test_every_problem_is_reported_in_line_order_and_nothing_is_written(session, demo):
    rows = [
        [CODE, "2024-02-30", "1", "PZ1", ""],
        ROWS[0],
        [CODE, "2024-06-30", "0", "", ""],
        [CODE, "2030-01-01", "1", "PZ3", ""],
        ["", "", "", "", ""],  # blank lines are skipped
        [CODE, "2024-06-30", "1", "PZ001", ""],
    ]
    assert problems(run(csv_bytes(rows))) == [
        "第2行：支付日期 2024-02-30 不存在",
        "第4行：金额不能为 0",
        "第4行：请填写凭证号",
        "第5行：支付日期 2030-01-01 不在预算年度 2024 年前后一年内（2023-01-01 至 2025-12-31）",
        "第7行：凭证号 PZ001 在第3行和第7行重复（项目 13020724P00X4BL10005W）",
    ]
    assert counts(session) == (0, 0)


def test_a_quoted_cell_over_two_lines_keeps_line_numbers_right(session, demo):
    data = csv_bytes([]) + f'{CODE},2024-06-30,1,PZ1,"两行\r\n摘要"\r\n{CODE},2024-06-30,0,PZ2,\r\n'.encode()
    assert problems(run(data)) == ["第4行：金额不能为 0"]


def test_the_total_line_is_skipped_and_unread_columns_are_listed(session, demo):
    header = ["序号", *CHINESE, "收款人"]
    rows = [["1", *ROWS[0], "某公司"], ["", "合计", "", "90,000.00", "", "", ""]]
    result = run(csv_bytes(rows, header=header))
    assert (problems(result), result.skipped_lines, result.ignored_columns) == ([], [3], ["序号", "收款人"])


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"", "p.csv", ["文件：文件为空"]),
        (b"\xef\xbb\xbf\r\n ,, \r\n", "p.csv", ["文件：文件为空"]),
        (csv_bytes([]), "p.csv", ["第1行：文件中只有表头，没有支付记录"]),
        (
            csv_bytes(ROWS, header=["项目编码", "支付日期", "金额", "凭证号", "摘要"]),
            "p.csv",
            ["第1行：缺少必需的列：金额（元）（amount_yuan）（表头应在前几行，标题行之下）"],
        ),
        (
            csv_bytes(ROWS, header=["项目编码", "日期", "金额（元）", "凭证号", "备注"]),
            "p.csv",
            ["第1行：缺少必需的列：支付日期（date）、摘要（note）（表头应在前几行，标题行之下）"],
        ),
        (
            csv_bytes([[*ROWS[0], "1"]], header=[*CHINESE, "amount_yuan"]),
            "p.csv",
            ["第1行：“金额（元）”列出现了两次（第 3 列和第 6 列）"],
        ),
        (
            b"PK\x03\x04 not really a workbook",
            "p.xlsx",
            ["文件：无法读取 Excel 文件（BadZipFile），请确认是 .xlsx 格式"],
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel",
            "p.xls",
            ["文件：不支持 .xls（Excel 97-2003）格式，请在 Excel 中另存为 .xlsx 或 CSV"],
        ),
    ],
)
def test_unreadable_files_get_a_clear_problem(session, demo, data, filename, expected):
    result = run(data, filename)
    assert problems(result) == expected
    assert all(isinstance(p, Problem) for p in result.problems)
    assert counts(session) == (0, 0)


# --- the command ---------------------------------------------------------------------


def invoke(runner, path, *args):
    return runner.invoke(import_payments_command, [str(path), *args])


def test_cli_imports_commits_and_summarises(runner, session, demo, tmp_path):
    path = tmp_path / "支付.csv"
    path.write_bytes(csv_bytes(ROWS[:2]))
    result = invoke(runner, path)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "新增 2 笔，未变 0 笔，合计金额 98000.00 元（其中新增 98000.00 元）"
    session.rollback()  # what the command committed stays
    assert counts(session) == (2, 2)
    again = invoke(runner, path, "--year", "2024")
    assert again.exit_code == 0
    assert again.stdout.strip() == "新增 0 笔，未变 2 笔，合计金额 98000.00 元（其中新增 0.00 元）"
    assert counts(session) == (2, 2)


def test_cli_reports_problems_on_stderr_and_exits_1(runner, session, demo, tmp_path):
    path = tmp_path / "支付.csv"
    path.write_bytes(csv_bytes([ROWS[0], [CODE, "2024-08-01", "-500", "PZ009", "退款"], ROWS[0]]))
    result = invoke(runner, path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "第3行：退款（负数金额）须填写原凭证号",
        f"第4行：凭证号 PZ001 在第2行和第4行重复（项目 {CODE}）",
        "共 2 个问题，未导入任何记录。",
    ]
    assert counts(session) == (0, 0)


def test_cli_lists_skipped_lines_and_unread_columns(runner, session, demo, tmp_path):
    path = tmp_path / "支付.csv"
    path.write_bytes(csv_bytes([[*ROWS[0], "某公司"], ["合计", "", "90000", "", "", ""]], header=[*CHINESE, "收款人"]))
    result = invoke(runner, path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == ["已跳过合计行：第3行", "未读取的列：收款人"]


def test_cli_refuses_a_missing_file(runner, session, tmp_path):
    result = invoke(runner, tmp_path / "none.csv")
    assert result.exit_code == 2


# --- rows past the budget (28.00 万元) or outside the budget year need 是 in their 确认 column ---------------

ASK_COLUMN = "已核实无误的，请在该行“确认”列填写“是”后重新导入"


def test_a_row_past_the_budget_is_named_and_nothing_is_written(session, demo):
    rows = [[CODE, "2024-06-30", "200,000.00", "PZ001", "上半年"], [CODE, "2024-07-15", "90000", "PZ002", "下半年"]]
    assert problems(run(csv_bytes(rows))) == [
        "第3行：这笔支出后累计支付 290,000.00 元，超过预算 280,000.00 元（103.57%），请确认后再保存",
        f"第3行：{ASK_COLUMN}",
    ]
    assert counts(session) == (0, 0)


def test_a_confirmed_row_is_imported_marked_and_audited_and_a_second_import_asks_nothing(session, demo):
    header = [*CHINESE, "确认"]
    rows = [
        [CODE, "2024-06-30", "200,000.00", "PZ001", "上半年", ""],
        [CODE, "2024-07-15", "90000", "PZ002", "下半年", "是"],
        [CODE, "2025-01-05", "100", "PZ003", "结转", "√"],
    ]
    file = csv_bytes(rows, header=header)
    assert problems(run(file)) == []
    marked = session.execute(sa.select(Payment.voucher_no, Payment.over_budget).order_by(Payment.id)).all()
    assert [tuple(row) for row in marked] == [("PZ001", False), ("PZ002", True), ("PZ003", True)]
    summaries = session.scalars(
        sa.select(AuditEntry.summary).where(AuditEntry.action == "payment.import").order_by(AuditEntry.id)
    ).all()
    assert summaries == [
        "导入支付 凭证号 PZ001，200000.00 元",
        "导入支付 凭证号 PZ002，90000.00 元（已确认超预算）",
        "导入支付 凭证号 PZ003，100.00 元（已确认超预算、跨年度）",
    ]
    again = run(csv_bytes([[*row[:5], ""] for row in rows], header=header))  # unchanged rows are not asked again
    assert problems(again) == [] and len(again.unchanged) == 3


def test_a_row_one_day_outside_the_year_is_named(session, demo):
    rows = [[CODE, "2023-12-31", "100", "PZ001", "提前"], [CODE, "2025-01-01", "100", "PZ002", "结转"]]
    assert problems(run(csv_bytes(rows))) == [
        "第2行：支付日期 2023-12-31 不在 2024 预算年度内，请确认后再保存",
        f"第2行：{ASK_COLUMN}",
        "第3行：支付日期 2025-01-01 不在 2024 预算年度内，请确认后再保存",
        f"第3行：{ASK_COLUMN}",
    ]


def test_a_confirmation_cell_must_say_yes_or_nothing(session, demo):
    rows = [[CODE, "2024-06-30", "100", "PZ001", "", "也许"]]
    assert problems(run(csv_bytes(rows, header=[*CHINESE, "确认"]))) == [
        "第2行：确认应填“是”（我已核实，仍要保存）或留空"
    ]


def test_a_control_character_in_a_cell_names_its_line_and_nothing_is_written(session, demo):
    rows = [list(ROWS[0]), [*ROWS[1][:4], "维护\x00费"]]
    result = run(csv_bytes(rows))
    assert problems(result) == ["第3行：摘要含有不能保存的控制字符（如 NUL），请删除后重新填写"]
    assert counts(session) == (0, 0)
