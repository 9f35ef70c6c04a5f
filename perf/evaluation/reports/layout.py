"""The 项目支出绩效自评表 as a neutral grid: rows of cells with merges, built once per project.

The XLSX writer, the print page and the PDF all draw this grid, so they cannot disagree.
Nine columns (A–I):

    A            B      C      D      E            F            G      H      I
    项目名称     (B:I project name)
    主管部门     (B:D department)          实施单位     (F:I unit)
    项目资金     (B:C row label)   年初预算数  全年预算数  全年执行数  分值  执行率  得分
    (A merged)   年度资金总额 / 其中：本年财政拨款 / 上年结转资金 / 其他资金
    年度总体目标 (B:E 预期目标)                 (F:I 实际完成情况)
    绩效指标     一级   二级   三级   年度指标值   实际完成值   分值   得分   偏差原因分析及改进措施
    总分 (A:B)   100    自评得分  89.36   等级   良    自评预警  绿灯

Money is in 万元 with two places and thousands separators (``#,##0.00`` in the XLSX);
every score comes from ``Evaluation.to_json()`` (two places, half up, ``0.00``).
The split of 全年预算数 over the funding rows: 上年结转资金 is
``SelfEvaluation.carried_over``, 其他资金 the project's 其他资金, 本年财政拨款 the rest, so the
sub-rows add up to 年度资金总额. Payments do not record their funding source, so 全年执行数 and
执行率 of a sub-row are shown only when that row is the year's only source of money.
See docs/domain.md#self-evaluation-form-layout.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from perf.evaluation.scoring import Evaluation
from perf.numbers import HUNDRED, MONEY_FORMAT, WAN_FORMAT, grouped, plain, round2, wan_grouped, wan_value

COLUMNS = 9
#: Column widths in spreadsheet characters (A–I); the HTML uses them as proportions.
WIDTHS = (12, 12, 12, 18, 12, 12, 9, 10, 22)
WARNING_LABELS = {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}
#: Money cells (万元) as finance staff write them; scores and points keep two places without separators.
MONEY = MONEY_FORMAT
SCORE = "0.00"
PERCENT = "0.00%"

# Cell kinds, styled by every renderer: the title and the note sit above the bordered table.
TITLE, NOTE, HEAD, LABEL, NUM, TEXT, CENTER = "title", "note", "head", "label", "num", "text", "center"


@dataclass(frozen=True)
class Cell:
    """One (possibly merged) cell: its top-left position (0-based), span, text and style."""

    row: int
    col: int
    text: str
    kind: str = TEXT
    rowspan: int = 1
    colspan: int = 1
    #: The number behind ``text`` for spreadsheets (a rate as a fraction: 0.95), with its format.
    value: Decimal | None = None
    number_format: str | None = None

    @property
    def merged(self) -> bool:
        return self.rowspan > 1 or self.colspan > 1

    @property
    def bordered(self) -> bool:
        return self.kind not in (TITLE, NOTE)


@dataclass
class Layout:
    """A project's 自评表: ``cells`` cover every position of the ``n_rows`` × ``COLUMNS`` grid once."""

    title: str
    code: str
    name: str
    year: int
    cells: list[Cell] = field(default_factory=list)
    n_rows: int = 0
    widths: tuple[int, ...] = WIDTHS

    def add(self, col: int, text: str | None, kind: str = TEXT, **span_and_value) -> Cell:
        """Add a cell on the current last row (``n_rows - 1``)."""
        cell = Cell(self.n_rows - 1, col, text or "", kind, **span_and_value)
        self.cells.append(cell)
        return cell

    def new_row(self) -> int:
        self.n_rows += 1
        return self.n_rows - 1

    def rows(self) -> Iterator[list[Cell]]:
        """The cells starting on each row, left to right (the shape of an HTML table)."""
        by_row: dict[int, list[Cell]] = {}
        for cell in self.cells:
            by_row.setdefault(cell.row, []).append(cell)
        for row in range(self.n_rows):
            yield sorted(by_row.get(row, []), key=lambda cell: cell.col)

    def find(self, text: str) -> Cell:
        """The first cell showing ``text`` (tests and renderers look labels up by name)."""
        return next(cell for cell in self.cells if cell.text == text)

    @property
    def width_pct(self) -> list[str]:
        total = sum(self.widths)
        return [f"{width * 100 / total:.2f}%" for width in self.widths]


def _money(value: Decimal | None) -> dict:
    if value is None:
        return {}
    return {"value": round2(value), "number_format": MONEY}


def _rate(spent: Decimal | None, budget: Decimal | None) -> tuple[str, dict]:
    """执行率 as text ("95.00%") and as a spreadsheet fraction; blank when not computable."""
    if spent is None or not budget:
        return "", {}
    pct = round2(spent / budget * HUNDRED)
    return f"{pct}%", {"value": pct / HUNDRED, "number_format": PERCENT}


def build(project, evaluation: Evaluation, stored=None) -> Layout:
    """The 自评表 of ``project`` scored as ``evaluation``; ``stored`` is its SelfEvaluation, if any."""
    year = project.budget_year.year
    layout = Layout(f"项目支出绩效自评表（{year}年度）", project.code, project.name, year)
    _header(layout, project)
    _funds(layout, project, evaluation, stored)
    _goal(layout, project, stored)
    _indicators(layout, evaluation)
    _totals(layout, evaluation)
    return layout


def _header(layout: Layout, project) -> None:
    layout.new_row()
    layout.add(0, layout.title, TITLE, colspan=COLUMNS)
    layout.new_row()
    layout.add(0, f"项目编码：{project.code}", NOTE, colspan=5)
    layout.add(5, "金额单位：万元", NOTE, colspan=4)
    layout.new_row()
    layout.add(0, "项目名称", LABEL)
    layout.add(1, project.name, TEXT, colspan=8)
    layout.new_row()
    layout.add(0, "主管部门", LABEL)
    layout.add(1, project.unit.department.name, TEXT, colspan=3)
    layout.add(4, "实施单位", LABEL)
    layout.add(5, project.unit.name, TEXT, colspan=4)


def _fund_rows(project, evaluation: Evaluation, stored) -> list[tuple[str, Decimal | None, Decimal | None]]:
    """(label, 年初预算数, 全年预算数) of the three sources; see the module docstring for the split."""
    full = evaluation.execution.budget
    carried = stored.carried_over if stored is not None and stored.carried_over is not None else Decimal(0)
    fiscal_full = full - carried - project.other
    return [
        ("其中：本年财政拨款", project.fiscal, fiscal_full if fiscal_full >= 0 else None),
        ("上年结转资金", None, carried if carried else None),
        ("其他资金", project.other, project.other),
    ]


def _funds(layout: Layout, project, evaluation: Evaluation, stored) -> None:
    execution, scores = evaluation.execution, evaluation.to_json()["execution"]
    first = layout.new_row()
    layout.add(0, "项目资金（万元）", LABEL, rowspan=5)
    layout.add(1, "", HEAD, colspan=2)
    for col, label in enumerate(("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), 3):
        layout.add(col, label, HEAD)
    layout.new_row()
    layout.add(1, "年度资金总额", LABEL, colspan=2)
    _amount_cells(layout, project.total, execution.budget, execution.spent)
    weight = execution.weight
    layout.add(6, plain(weight), NUM, value=weight, number_format="0" if weight == weight.to_integral() else SCORE)
    rate_text, rate_value = _rate(execution.spent, execution.budget)
    layout.add(7, rate_text, NUM, **rate_value)
    layout.add(8, scores["score"], NUM, value=Decimal(scores["score"]), number_format=SCORE)
    sources = _fund_rows(project, evaluation, stored)
    only_source = [label for label, _, full in sources if full]
    for label, start, full in sources:
        layout.new_row()
        spent = execution.spent if only_source == [label] else None
        layout.add(1, label, LABEL, colspan=2)
        _amount_cells(layout, start, full, spent)
        layout.add(6, "", NUM)
        rate_text, rate_value = _rate(spent, full)
        layout.add(7, rate_text, NUM, **rate_value)
        layout.add(8, "", NUM)
    assert layout.n_rows - first == 5


def _amount_cells(layout: Layout, start: Decimal | None, full: Decimal | None, spent: Decimal | None) -> None:
    """年初预算数 and 全年预算数 exact as stored (330.984), 全年执行数 to two places."""
    for col, amount in enumerate((start, full), 3):
        cell = {} if amount is None else {"value": wan_value(amount), "number_format": WAN_FORMAT}
        layout.add(col, wan_grouped(amount) or "", NUM, **cell)
    layout.add(5, grouped(spent) or "", NUM, **_money(spent))


def _goal(layout: Layout, project, stored) -> None:
    layout.new_row()
    layout.add(0, "年度总体目标", LABEL, rowspan=2)
    layout.add(1, "预期目标", HEAD, colspan=4)
    layout.add(5, "实际完成情况", HEAD, colspan=4)
    layout.new_row()
    layout.add(1, project.goal, TEXT, colspan=4)
    layout.add(5, stored.outcome if stored is not None else "", TEXT, colspan=4)


def _spans(keys: list) -> list[int]:
    """Row spans of runs of equal keys: [a, a, b] -> [2, 0, 1] (0: covered by the cell above)."""
    spans = [0] * len(keys)
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            spans[start] = index - start
            start = index
    return spans


def _indicators(layout: Layout, evaluation: Evaluation) -> None:
    rows = evaluation.to_json()["indicators"]
    layout.new_row()
    layout.add(0, "绩效指标", LABEL, rowspan=len(rows) + 1)
    heads = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
    for col, label in enumerate(heads, 1):
        layout.add(col, label, HEAD)
    level1_spans = _spans([row["level1"] for row in rows])
    level2_spans = _spans([(row["level1"], row["level2"]) for row in rows])
    for row, span1, span2 in zip(rows, level1_spans, level2_spans, strict=True):
        layout.new_row()
        if span1:
            layout.add(1, row["level1"], CENTER, rowspan=span1)
        if span2:
            layout.add(2, row["level2"], CENTER, rowspan=span2)
        layout.add(3, row["name"], TEXT)
        layout.add(4, row["target"], CENTER)
        layout.add(5, row["actual"], CENTER)
        layout.add(6, row["weight"], NUM, value=Decimal(row["weight"]), number_format=SCORE)
        layout.add(7, row["score"], NUM, value=Decimal(row["score"]), number_format=SCORE)
        layout.add(8, row["reason"], TEXT)


def _totals(layout: Layout, evaluation: Evaluation) -> None:
    data = evaluation.to_json()
    layout.new_row()
    layout.add(0, "总分", LABEL, colspan=2)
    layout.add(2, "100", NUM, value=Decimal(100), number_format="0")
    layout.add(3, "自评得分", LABEL)
    layout.add(4, data["total"], NUM, value=Decimal(data["total"]), number_format=SCORE)
    layout.add(5, "等级", LABEL)
    layout.add(6, data["grade"], CENTER)
    layout.add(7, "自评预警", LABEL)
    layout.add(8, WARNING_LABELS.get(data["warning"], data["warning"]), CENTER)
