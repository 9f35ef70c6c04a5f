"""The 部门预算 tables: read by header names (merged headers, 元 or 万元, split tables), and every cross-check
failing on a generated document with that one inconsistency (warnings naming table, row and both figures)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf.documents import budget_checks as bc
from perf.documents import budget_tables as bt
from perf.documents.budget_tables import BudgetRow, BudgetTable, Column, read_budget_tables
from perf.documents.cli import SAMPLE
from perf.documents.disclosure import load_disclosure
from perf.documents.reader import read_document
from tests.documents import budget_docs as bd
from tests.documents import docx_builder as build

SAMPLE_BYTES = __import__("importlib.resources").resources.files("perf.documents").joinpath(SAMPLE).read_bytes()
D = Decimal


def sample_tables() -> dict[str, BudgetTable]:
    return {t.kind: t for t in read_budget_tables(read_document(SAMPLE_BYTES, "sample.txt"))}


def row(table: BudgetTable, name: str, side: str = "") -> BudgetRow:
    return next(r for r in table.rows if (r.code == name or r.name == name) and r.side == side)


# -- reading ---------------------------------------------------------------------------------


def test_the_sample_holds_all_nine_tables():
    tables = read_budget_tables(read_document(SAMPLE_BYTES, "sample.txt"))
    assert [(t.kind, t.title, t.unit, len(t.rows)) for t in tables] == [
        (bt.SUMMARY, "部门预算收支总表", "万元", 42),
        (bt.INCOME_TABLE, "部门预算收入总表", "万元", 18),
        (bt.EXPENDITURE, "部门预算支出总表", "万元", 18),
        (bt.FISCAL, "部门预算财政拨款收支总表", "万元", 43),
        (bt.GENERAL, "部门预算一般公共预算财政拨款支出表", "万元", 18),
        (bt.BASIC, "部门预算一般公共预算财政拨款基本支出表", "万元", 31),
        (bt.FUND, "部门预算政府性基金预算财政拨款支出表", "万元", 0),
        (bt.CAPITAL, "部门预算国有资本经营预算财政拨款支出表", "万元", 0),
        (bt.THREE, "部门预算财政拨款“三公”经费支出表", "万元", 7),
    ]
    assert all(t.warnings == [] for t in tables)


@pytest.mark.parametrize(
    ("kind", "side", "name", "amounts"),
    [
        (bt.SUMMARY, "收入", "一、一般公共预算拨款收入", {"预算数": "1439.91"}),
        (bt.SUMMARY, "支出", "八、社会保障和就业支出", {"预算数": "100.20"}),
        (bt.INCOME_TABLE, "", "2010301", {"合计": "893.90", "小计": "893.90", "财政拨款收入": "893.90"}),
        (bt.EXPENDITURE, "", "合计", {"合计": "1439.91", "基本支出": "1141.46", "项目支出": "298.45"}),
        (bt.FISCAL, "支出", "本年支出合计", {"合计": "1439.91", "一般公共预算财政拨款": "1439.91"}),
        (bt.GENERAL, "", "2080711", {"合计": "3.71", "项目支出": "3.71"}),
        (bt.BASIC, "", "合计", {"合计": "1141.46", "人员经费": "918.90", "公用经费": "222.56"}),
        (bt.BASIC, "", "30309", {"合计": "0.11", "人员经费": "0.11"}),
        (bt.THREE, "", "公务用车运行维护费", {"合计": "5.00", "一般公共预算财政拨款": "5.00"}),
        (bt.THREE, "", "一、因公出国（境）费", {}),
    ],
)
def test_sample_rows_by_column_name(kind, side, name, amounts):
    found = row(sample_tables()[kind], name, side)
    assert found.amounts == {k: D(v) for k, v in amounts.items()}


FISCAL_COLUMNS = ("合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")


@pytest.mark.parametrize(
    ("kind", "columns"),
    [
        (bt.SUMMARY, [("收入", ("收入", "预算数")), ("支出", ("支出", "预算数"))]),
        (
            bt.INCOME_TABLE,
            [("", ("合计",)), ("", ("本年收入", "小计")), ("", ("本年收入", "财政拨款收入"))]
            + [("", ("本年收入", n)) for n in ("财政专户收入", "事业收入", "经营收入", "上级补助收入")]
            + [("", ("本年收入", "附属单位上缴收入")), ("", ("本年收入", "其他收入")), ("", ("上年结转",))],
        ),
        (
            bt.FISCAL,
            [("收入", ("收入", "金额")), *(("支出", ("支出", n)) for n in FISCAL_COLUMNS)],
        ),
        (
            bt.BASIC,
            [("", ("一般公共预算基本支出", n)) for n in ("合计", "人员经费", "公用经费")],
        ),
        (bt.THREE, [("", ("资金性质", n)) for n in ("合计", "一般公共预算财政拨款", "政府性基金预算拨款")] + [
            ("", ("资金性质", "国有资本经营预算财政拨款"))
        ]),
    ],
)  # fmt: skip
def test_merged_header_cells_name_the_columns_under_them(kind, columns):
    assert [(c.side, c.path) for c in sample_tables()[kind].columns] == [(s, p) for s, p in columns]


def test_yuan_tables_are_converted_exactly():
    elements = bd.document_elements(bd.Budget(unit="元").edit("three", "三、公务接待费", 2, "3.309840"))
    tables = {t.kind: t for t in read_budget_tables(read_document(bd.render_text(elements)[0].encode(), "a.txt"))}
    wan = {
        t.kind: t
        for t in read_budget_tables(
            read_document(bd.render_text(bd.document_elements(bd.Budget()))[0].encode(), "a.txt")
        )
    }
    assert all(t.unit == "元" for t in tables.values())
    assert row(tables[bt.THREE], "三、公务接待费").amounts["合计"] == D("3.30984")  # 33,098.40 元
    for kind in (bt.INCOME_TABLE, bt.BASIC, bt.SUMMARY):
        assert [r.amounts for r in tables[kind].rows] == [r.amounts for r in wan[kind].rows]


def test_a_yuan_amount_to_the_fen_stays_exact():
    cells = ["功能分类科目", "合计", "基本支出", "项目支出"], ["合计", "3,309,840.53", "3,309,840.53", ""]
    text = "部门预算支出总表\n\t单位：元\n\n" + "\n\n".join("\n".join(f"\t{c}" for c in r) for r in cells) + "\n"
    table = read_budget_tables(read_document(text.encode(), "a.txt"))[0]
    assert table.rows[0].amounts == {"合计": D("330.984053"), "基本支出": D("330.984053")}
    assert bc.wan(table.rows[0].amounts["合计"]) == "330.984053 万元"
    assert bc.wan(D("1439.91")) == "1,439.91 万元"


def test_header_lines_as_paragraphs_and_a_table_split_across_a_page_break():
    grid = bd.Budget().grids["basic"]
    elements = [
        "部门预算一般公共预算财政拨款基本支出表",
        "306唐山市丰南区行政审批局",
        "预算年度：2024",
        "单位：元",
        grid[:6],
        grid[:3] + grid[6:],  # Word's second table after the page break repeats the header
        "八、政府采购预算情况",
    ]
    for data, name in ((bd.render_text(elements)[0].encode(), "a.txt"), (bd.to_docx(elements), "a.docx")):
        (table,) = read_budget_tables(read_document(data, name))
        assert table.unit == "元"
        assert [r.code or r.name for r in table.rows] == ["合计", "301", "30101", "30102", "302", "30201", "30231"]
        assert row(table, "30231").amounts == {"合计": D("0.0005"), "公用经费": D("0.0005")}


def test_absent_tables_are_fine_and_other_tables_are_not_read():
    elements = bd.document_elements(bd.Budget(absent=("summary", "fiscal", "fund", "three")))
    parsed = load_disclosure(bd.render_text(elements)[0].encode(), "a.txt")
    assert [t.kind for t in parsed.budget_tables] == [bt.INCOME_TABLE, bt.EXPENDITURE, bt.GENERAL, bt.BASIC]
    assert parsed.problems == [] and parsed.warnings == []


# -- the checks on a sound document -----------------------------------------------------------


def test_the_sample_passes_every_check():
    parsed = load_disclosure(SAMPLE_BYTES, "sample.txt")
    assert parsed.warnings == []
    assert [(r.name, r.compared, r.failed) for r in parsed.budget_checks] == [
        (bc.ROW_SUMS, 81, 0),
        (bc.COLUMN_SUMS, 22, 0),
        (bc.ROLL_UP, 183, 0),
        (bc.BASIC_PARTS, 31, 0),
        (bc.THREE_PARTS, 12, 0),
        (bc.BALANCE, 16, 0),
        (bc.ACROSS, 8, 0),
        (bc.PROJECTS, 1, 0),
    ]


@pytest.mark.parametrize("kind", ["txt", "docx"])
def test_a_generated_sound_document_passes_every_check(kind):
    parsed = _load(bd.Budget(), kind)
    assert parsed.problems == [] and parsed.warnings == []
    assert all(run.compared for run in parsed.budget_checks)


# -- each inconsistency -----------------------------------------------------------------------


def _load(budget: bd.Budget, kind: str = "txt", spec: build.Spec | None = None):
    elements = bd.document_elements(budget, spec)
    data = bd.to_docx(elements) if kind == "docx" else bd.render_text(elements)[0].encode()
    return load_disclosure(data, f"a.{kind}")


def _bump(budget: bd.Budget, kind: str, rows: list[str], columns: list[int], value: str) -> bd.Budget:
    for name in rows:
        for column in columns:
            budget.edit(kind, name, column, value)
    return budget


CASES = [
    pytest.param(
        lambda: bd.Budget().edit("income", "合计", 3, "149.00"),
        {bc.ROW_SUMS: 1, bc.COLUMN_SUMS: 1, bc.ACROSS: 1},
        ("income", "合计", bc.COLUMN_SUMS, "“合计”行的合计 149.00 万元，与各类科目（201、208）合计 148.00 万元不一致"),
        id="table-total",
    ),
    pytest.param(
        lambda: _bump(bd.Budget(), "income", ["2010301"], [3, 4, 5], "101.00"),
        {bc.ROLL_UP: 3},
        (
            "income",
            "20103",
            bc.ROLL_UP,
            "“20103 政府办公厅（室）及相关机构事务”行的合计 128.00 万元，"
            "与其下级科目（2010301、2010302）合计 129.00 万元不一致",
        ),
        id="roll-up",
    ),
    pytest.param(
        lambda: bd.Budget().edit("basic", "30101", 4, "59.00"),
        {bc.BASIC_PARTS: 1, bc.ROLL_UP: 1},
        (
            "basic",
            "30101",
            bc.BASIC_PARTS,
            "“30101 基本工资”行的合计 60.00 万元，与人员经费 59.00 万元 + 公用经费 0.00 万元 = 59.00 万元不一致",
        ),
        id="basic-parts",
    ),
    pytest.param(
        lambda: _bump(bd.Budget(), "three", ["三、公务接待费"], [2, 3], "4.00"),
        {bc.THREE_PARTS: 2},
        (
            "three",
            "“三公”经费小计",
            bc.THREE_PARTS,
            "““三公”经费小计”行的合计 8.00 万元，与一、因公出国（境）费 0.00 万元 + 二、公务用车购置及运维费 5.00 万元"
            " + 三、公务接待费 4.00 万元 = 9.00 万元不一致",
        ),
        id="three-parts",
    ),
    pytest.param(
        lambda: (
            bd.Budget().edit("three", "公务用车运行维护费", 2, "4.00").edit("three", "公务用车运行维护费", 3, "4.00")
        ),
        {bc.THREE_PARTS: 2},
        (
            "three",
            "二、公务用车购置及运维费",
            bc.THREE_PARTS,
            "“二、公务用车购置及运维费”行的合计 5.00 万元，与其中：公务用车购置费 0.00 万元"
            " + 公务用车运行维护费 4.00 万元 = 4.00 万元不一致",
        ),
        id="three-cars",
    ),
    pytest.param(
        lambda: _bump(
            bd.Budget(absent=("expenditure", "fiscal", "general", "basic", "fund", "three")),
            "income",
            ["合计", "201", "20103", "2010301"],
            [3, 4, 5],
            "",
        ),
        None,  # set below: the income table's figures all one lower
        None,
        id="two-tables",
    ),
    pytest.param(
        lambda: bd.Budget().edit("summary", "支出总计", 4, "149.00"),
        {bc.BALANCE: 2},
        ("summary", "收入总计", bc.BALANCE, "收入总计 148.00 万元，与支出总计 149.00 万元不一致"),
        id="balance",
    ),
]


def _two_tables() -> bd.Budget:
    budget = bd.Budget(absent=("expenditure", "fiscal", "general", "basic", "fund", "three"))
    for name, value in (("合计", "147.00"), ("201", "127.00"), ("20103", "127.00"), ("2010301", "99.00")):
        _bump(budget, "income", [name], [3, 4, 5], value)
    return budget


CASES[5] = pytest.param(
    _two_tables,
    {bc.ACROSS: 1},
    (
        "summary",
        "收入总计",
        bc.ACROSS,
        "“收入总计”行的预算数 148.00 万元，与部门预算收入总表，{income}的“合计”行的合计 147.00 万元不一致",
    ),
    id="two-tables",
)


#: Every case as a text export, and the roll-up and two-table cases as .docx as well (the reader gives both
#: the same blocks; the docx locations are table and row numbers, so only the counts are compared there).
KINDED = [pytest.param(*case.values, "txt", id=f"txt-{case.id}") for case in CASES] + [
    pytest.param(*case.values, "docx", id=f"docx-{case.id}") for case in CASES if case.id in ("roll-up", "two-tables")
]


@pytest.mark.parametrize(("make", "counts", "expected", "kind"), KINDED)
def test_each_inconsistency_is_a_warning_naming_table_row_and_both_figures(make, counts, expected, kind):
    budget = make()
    parsed = _load(budget, kind)
    assert parsed.problems == []
    found = {run.name: len(run.warnings) for run in parsed.budget_checks if run.warnings}
    assert found == counts
    table, row_label, check, message = expected
    elements = bd.document_elements(budget)
    if kind == "txt":
        where = bd.line(elements, table, row_label)
        message = message.format(income=bd.line(elements, "income", "合计"))
        run = next(r for r in parsed.budget_checks if r.name == check)
        assert (f"{bd.TITLES[table]}，{where}", message) in [(w.location, w.message) for w in run.warnings]
    # every warning is also one of the import's warnings, the import goes ahead
    assert all(w in parsed.warnings for r in parsed.budget_checks for w in r.warnings)


def test_project_budgets_differing_from_project_spending_is_a_warning():
    spec = build.Spec(stated=None, projects=[build.Project(total="30.00", fiscal="30.00")])
    parsed = _load(bd.Budget(), "txt", spec)
    assert parsed.problems == []
    run = next(r for r in parsed.budget_checks if r.name == bc.PROJECTS)
    assert (run.compared, run.failed) == (1, 1)
    where = bd.line(bd.document_elements(bd.Budget(), spec), "expenditure", "合计")
    assert [(w.location, w.message) for w in parsed.warnings] == [
        (
            f"部门预算支出总表，{where}",
            "各项目预算数合计 30.00 万元，与部门预算支出总表中的项目支出 28.00 万元不一致",
        )
    ]


def test_an_unreadable_amount_is_a_warning():
    parsed = _load(bd.Budget().edit("basic", "30201", 3, "约25"))
    assert parsed.problems == []
    where = bd.line(bd.document_elements(bd.Budget()), "basic", "30201")
    assert (f"{bd.TITLES['basic']}，{where}", "“合计”的“约25”不是金额，按空白处理") in [
        (w.location, w.message) for w in parsed.warnings
    ]


# -- the roll-up, as a property ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "parents"),
    [
        (["201", "20103", "2010301", "2010302"], {"201": "", "20103": "201", "2010301": "20103", "2010302": "20103"}),
        (["201", "2010301"], {"201": "", "2010301": "201"}),  # a missing 款 hangs the 项 under its 类
        (["301", "30101", "302"], {"301": "", "30101": "301", "302": ""}),
        ([], {}),
    ],
)  # fmt: skip
def test_parent_codes(codes, parents):
    assert bc.parent_codes(codes) == parents


amounts = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
# 类 (3 digits) → 款 (5) → 项 (7): a tree of codes with a leaf amount each
trees = st.dictionaries(
    st.sampled_from(["201", "205", "208"]),
    st.dictionaries(st.sampled_from(["01", "03", "05"]), st.lists(amounts, min_size=1, max_size=3), min_size=1),
    min_size=1,
)


def _coded_table(tree, bump: str | None = None) -> BudgetTable:
    rows = []
    for top, middles in sorted(tree.items()):
        top_row = BudgetRow("", top, top, {}, f"{top}行")
        rows.append(top_row)
        total = D(0)
        for middle, leaves in sorted(middles.items()):
            code = top + middle
            mid_row = BudgetRow("", code, code, {"合计": sum(leaves, D(0))}, f"{code}行")
            rows.append(mid_row)
            rows += [
                BudgetRow("", f"{code}{i:02d}", "项", {"合计": v}, f"{code}{i:02d}行") for i, v in enumerate(leaves)
            ]
            total += mid_row.amounts["合计"]
        top_row.amounts["合计"] = total
    if bump is not None:
        target = next(r for r in rows if r.code == bump)
        target.amounts["合计"] += D("0.01")
    return BudgetTable(bt.GENERAL, "支出表", "万元", [Column("", ("合计",))], rows, "第1行", coded=True)


@given(trees)
def test_rolled_up_codes_pass(tree):
    runs = bc.check_budget_tables([_coded_table(tree)], None)
    assert [w for r in runs for w in r.warnings] == []


@given(trees, st.data())
def test_a_parent_off_by_one_fen_is_named_with_both_figures(tree, data):
    parents = sorted(tree)
    bump = data.draw(st.sampled_from(parents))
    table = _coded_table(tree, bump)
    runs = {r.name: r for r in bc.check_budget_tables([table], None)}
    (warning,) = runs[bc.ROLL_UP].warnings
    stated = next(r for r in table.rows if r.code == bump).amounts["合计"]
    assert warning.location == f"支出表，{bump}行"
    assert bc.wan(stated) in warning.message and bc.wan(stated - D("0.01")) in warning.message
