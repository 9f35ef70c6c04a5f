"""Generated 部门预算 tables (our own small, consistent figures) for the budget-table tests.

``Budget().elements()`` gives the tables as paragraphs and grids in docx_builder's notation (LEFT/UP
for merged cells); ``edit`` changes one cell to make an inconsistency; ``document`` joins them with the
builder's project document (without its own 支出总表) into a whole 部门预算公开, as text or .docx.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

import docx

from tests.documents import docx_builder as build
from tests.documents.docx_builder import LEFT, UP

DEPARTMENT = "306唐山市丰南区行政审批局"

TITLES = {
    "summary": "部门预算收支总表",
    "income": "部门预算收入总表",
    "expenditure": "部门预算支出总表",
    "fiscal": "部门预算财政拨款收支总表",
    "general": "部门预算一般公共预算财政拨款支出表",
    "basic": "部门预算一般公共预算财政拨款基本支出表",
    "fund": "部门预算政府性基金预算财政拨款支出表",
    "three": "部门预算财政拨款“三公”经费支出表",
}


def _grids() -> dict[str, list[list[str]]]:
    """Header rows, 栏次 and data rows of each table; amounts in 万元 as text."""
    return {
        "summary": [
            ["序号", "收入", LEFT, "支出", LEFT],
            [UP, "项  目", "预算数", "项  目", "预算数"],
            ["栏次", "1", "2", "3", "4"],
            ["1", "一、一般公共预算拨款收入", "148.00", "一、一般公共服务支出", "128.00"],
            ["2", "二、政府性基金预算拨款收入", "", "二、社会保障和就业支出", "20.00"],
            ["3", "本年收入合计", "148.00", "本年支出合计", "148.00"],
            ["4", "上年结转结余", "", "年终结转结余", ""],
            ["5", "收入总计", "148.00", "支出总计", "148.00"],
        ],
        "income": [
            ["序号", "功能分类科目", LEFT, "合计", "本年收入", LEFT, LEFT, "上年结转"],
            [UP, "科目    编码", "科目名称", UP, "小计", "财政拨款 收入", "事业收入", UP],
            ["栏次", "1", "2", "3", "4", "5", "6", "7"],
            ["1", "", "合计", "148.00", "148.00", "148.00", "", ""],
            ["2", "201", "一般公共服务支出", "128.00", "128.00", "128.00", "", ""],
            ["3", "20103", "政府办公厅（室）及相关机构事务", "128.00", "128.00", "128.00", "", ""],
            ["4", "2010301", "行政运行", "100.00", "100.00", "100.00", "", ""],
            ["5", "2010302", "一般行政管理事务", "28.00", "28.00", "28.00", "", ""],
            ["6", "208", "社会保障和就业支出", "20.00", "20.00", "20.00", "", ""],
            ["7", "20805", "行政事业单位养老支出", "20.00", "20.00", "20.00", "", ""],
            ["8", "2080505", "机关事业单位基本养老保险缴费支出", "20.00", "20.00", "20.00", "", ""],
        ],
        "expenditure": _functional(["合计", "基本支出", "项目支出", "经营支出"]),
        "fiscal": [
            ["序号", "收入", LEFT, "支出", LEFT, LEFT, LEFT, LEFT],
            [
                UP,
                "项  目",
                "金额",
                "项  目",
                "合计",
                "一般公共预算财政拨款",
                "政府性基金预算财政拨款",
                "国有资本经营预算财政拨款",
            ],
            ["栏次", "1", "2", "3", "4", "5", "6", "7"],
            ["1", "一、一般公共预算拨款", "148.00", "一、一般公共服务支出", "128.00", "128.00", "", ""],
            ["2", "二、政府性基金预算拨款", "", "二、社会保障和就业支出", "20.00", "20.00", "", ""],
            ["3", "本年收入合计", "148.00", "本年支出合计", "148.00", "148.00", "", ""],
            ["4", "年初财政拨款结转和结余", "", "年末财政拨款结转和结余", "", "", "", ""],
            ["5", "收入总计", "148.00", "支出总计", "148.00", "148.00", "", ""],
        ],
        "general": _functional(["合计", "基本支出", "项目支出"]),
        "basic": [
            ["序号", "支出部门经济分类科目", LEFT, "一般公共预算基本支出", LEFT, LEFT],
            [UP, "科目编码", "科目名称", "合计", "人员经费", "公用经费"],
            ["栏次", "1", "2", "3", "4", "5"],
            ["1", "", "合计", "120.00", "90.00", "30.00"],
            ["2", "301", "工资福利支出", "90.00", "90.00", ""],
            ["3", "30101", "基本工资", "60.00", "60.00", ""],
            ["4", "30102", "津贴补贴", "30.00", "30.00", ""],
            ["5", "302", "商品和服务支出", "30.00", "", "30.00"],
            ["6", "30201", "办公费", "25.00", "", "25.00"],
            ["7", "30231", "公务用车运行维护费", "5.00", "", "5.00"],
        ],
        "fund": [
            ["序号", "功能分类科目", LEFT, "合计", "基本支出", "项目支出"],
            [UP, "科目编码", "科目名称", UP, UP, UP],
            ["栏次", "1", "2", "3", "4", "5"],
            ["", "", "", "", "", ""],
        ],
        "three": [
            ["序号", "项  目", "资 金 性 质", LEFT, LEFT],
            [UP, UP, "合计", "一般公共预算财政拨款", "政府性基金预算拨款"],
            ["栏次", "1", "2", "3", "4"],
            ["1", "合计", "8.00", "8.00", ""],
            ["2", "“三公”经费小计", "8.00", "8.00", ""],
            ["3", "一、因公出国（境）费", "", "", ""],
            ["4", "二、公务用车购置及运维费", "5.00", "5.00", ""],
            ["5", "其中：公务用车购置费", "", "", ""],
            ["6", "公务用车运行维护费", "5.00", "5.00", ""],
            ["7", "三、公务接待费", "3.00", "3.00", ""],
        ],
    }


def _functional(columns: list[str]) -> list[list[str]]:
    """A 功能分类 table: 合计 / 基本支出 / 项目支出 (/ 经营支出)."""
    values = {
        "": ("148.00", "120.00", "28.00"),
        "201": ("128.00", "100.00", "28.00"),
        "20103": ("128.00", "100.00", "28.00"),
        "2010301": ("100.00", "100.00", ""),
        "2010302": ("28.00", "", "28.00"),
        "208": ("20.00", "20.00", ""),
        "20805": ("20.00", "20.00", ""),
        "2080505": ("20.00", "20.00", ""),
    }
    names = {
        "": "合计",
        "201": "一般公共服务支出",
        "20103": "政府办公厅（室）及相关机构事务",
        "2010301": "行政运行",
        "2010302": "一般行政管理事务",
        "208": "社会保障和就业支出",
        "20805": "行政事业单位养老支出",
        "2080505": "机关事业单位基本养老保险缴费支出",
    }
    extra = [""] * (len(columns) - 3)
    return [
        ["序号", "功能分类科目", LEFT, *columns],
        [UP, "科目    编码", "科目名称", *[UP] * len(columns)],
        ["栏次", *[str(n) for n in range(1, len(columns) + 3)]],
        *[[str(i), code, names[code], *values[code], *extra] for i, code in enumerate(values, start=1)],
    ]


@dataclass
class Budget:
    grids: dict[str, list[list[str]]] = field(default_factory=_grids)
    #: 万元, or 元 (every amount written in 元, 单位：元)
    unit: str = "万元"
    #: The kinds left out of the document
    absent: tuple[str, ...] = ()

    def edit(self, kind: str, row: str, column: int, value: str) -> Budget:
        """Set the cell ``column`` (0-based, in the row as written) of the row labelled ``row``."""
        grid = self.grids[kind]
        found = next(r for r in grid[3:] if row in r)
        found[column] = value
        return self

    def elements(self) -> list[build.Element]:
        result: list[build.Element] = []
        for kind, grid in self.grids.items():
            if kind in self.absent:
                continue
            width = max(len(r) for r in grid)
            meta = [DEPARTMENT, "预算年度：2024", f"单位：{self.unit}", *[LEFT] * (width - 3)]
            body = [[self._cell(c) if i >= 3 else c for c in row] for i, row in enumerate(grid)]
            result += [TITLES[kind], [meta, *body]]
        return result

    def _cell(self, text: str) -> str:
        if self.unit == "元" and _is_amount(text):
            return f"{Decimal(text) * 10000:,.2f}"
        return text


def _is_amount(text: str) -> bool:
    return "." in text and text.replace(".", "").replace("-", "").isdigit()


def document_elements(budget: Budget, spec: build.Spec | None = None) -> list[build.Element]:
    """The budget tables, then the builder's document (机构设置, the project tables) without its 支出总表."""
    spec = spec or build.Spec(stated=None)
    return [*budget.elements(), *build.elements(spec)]


def render_text(elements: list[build.Element]) -> tuple[str, dict[tuple[int, int], int]]:
    """As docx_builder.render_text, for any elements: the text and each row's first line by (table, row)."""
    lines: list[str] = []
    rows: dict[tuple[int, int], int] = {}
    previous_was_table = False
    tables = 0
    for element in elements:
        if isinstance(element, str):
            lines.append(element)
            previous_was_table = False
            continue
        if previous_was_table:
            lines += ["", ""]
        tables += 1
        for i, row in enumerate(element):
            if i:
                lines.append("")
            rows[tables, i + 1] = len(lines) + 1
            lines += ["\t" + ("" if cell == UP else cell) for cell in row if cell != LEFT]
        previous_was_table = True
    return "\n".join(lines) + "\n", rows


def to_docx(elements: list[build.Element]) -> bytes:
    document = docx.Document()
    previous_was_table = False
    for element in elements:
        if isinstance(element, str):
            document.add_paragraph(element)
        else:
            if previous_was_table:
                document.add_paragraph("")
            build._add_table(document, element)
        previous_was_table = not isinstance(element, str)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def line(elements: list[build.Element], kind: str, row: str) -> str:
    """The text export's location ("第N行") of the row labelled ``row`` of table ``kind``."""
    rows = render_text(elements)[1]
    index = elements.index(TITLES[kind])
    table = sum(1 for e in elements[:index] if not isinstance(e, str)) + 1
    grid = elements[index + 1]
    first = next(i for i, r in enumerate(grid) if r[0] == "栏次") + 1  # the data rows follow 栏次
    number = next(i for i, r in enumerate(grid[first:], start=first + 1) if row in r)
    return f"第{rows[table, number]}行"
