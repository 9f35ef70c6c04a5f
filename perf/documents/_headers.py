"""Header lines of a 部门预算公开 (预算年度, the department, 单位) and amounts read in the unit a table states.

Offices write header lines as cells of a table (the sample: "306唐山市…局 | 预算年度：2024 | 单位：万元")
or as paragraphs above it ("部门名称：…", "部门编码：306", "预算年度：2025　单位：元"); both read alike.
Project tables in 元 ("单位：元", "金额单位：元", "预算数（元）") are converted to 万元 exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from perf.documents._tables import amount, label, number
from perf.documents.reader import Block, Paragraph, Row, TableBreak
from perf.numbers import TWO_PLACES

# -- department header ------------------------------------------------------------------------

#: Labels of a header line ("预算年度：2025", "部门名称：…", "编制单位：306…") in a paragraph or a cell.
YEAR_LABELS = ("预算年度",)
DEPARTMENT_LABELS = ("部门名称", "主管部门", "预算部门", "编制单位", "部门")
CODE_LABELS = ("部门编码", "部门代码")
MONEY_LABELS = ("金额单位", "单位")
_FIELD = re.compile("(" + "|".join((*YEAR_LABELS, *DEPARTMENT_LABELS, *CODE_LABELS, *MONEY_LABELS)) + ")：")
_YEAR_VALUE = re.compile(r"(\d{4})年?度?")
_YEAR_UNLABELLED = re.compile(r"预算年度(\d{4})年?度?")
_CODE_VALUE = re.compile(r"[0-9A-Za-z]+")
_LONE_MAX = 40  # a department line is short; a longer text is prose
_CODED_NAME = re.compile(r"([0-9A-Za-z]*\d[0-9A-Za-z]*)[-－—_]?([^\d\s年月].*)")


@dataclass
class Header:
    code: str  # "" when the header names no department code
    name: str
    year: int  # 0 when the header names no year
    where: str


def fields(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(text before the first label, [(label, value)]) of a header line or cell.

    "306唐山市丰南区行政审批局 预算年度：2024 单位：万元" -> ("306唐山市丰南区行政审批局",
    [("预算年度", "2024"), ("单位", "万元")]); whitespace is dropped, ASCII ":" read as "：".
    """
    text = label(text)
    found = list(_FIELD.finditer(text))
    ends = [m.start() for m in found[1:]] + [len(text)] if found else []
    pairs = [(m[1], text[m.end() : end]) for m, end in zip(found, ends, strict=True)]
    return text[: found[0].start()] if found else text, pairs


def _pieces(block: Paragraph | Row) -> tuple[list[str], list[tuple[str, str]]]:
    """A block's unlabelled texts and (label, value) pairs; a row's label cell takes the next cell as value."""
    texts = [block.text] if isinstance(block, Paragraph) else list(block.cells)
    bare: list[str] = []
    pairs: list[tuple[str, str]] = []
    for i, text in enumerate(texts):
        before, found = fields(text)
        name = before.removesuffix("：")
        if not found and name in (*YEAR_LABELS, *DEPARTMENT_LABELS, *CODE_LABELS) and i + 1 < len(texts):
            pairs.append((name, label(texts[i + 1])))
        elif before:
            bare.append(before)
        pairs += found
    return bare, pairs


def _coded(text: str) -> tuple[str, str]:
    """("306", "唐山市…局") from "306唐山市…局" or "306-唐山市…局"; ("", text) without a code."""
    match = _CODED_NAME.fullmatch(text)
    return (match[1], match[2]) if match else ("", text)


def _header(block: Paragraph | Row) -> Header | None:
    """The header a block carries: a labelled 预算年度, 部门 or 部门编码; or a row with "预算年度：…".

    An unlabelled "306唐山市…局" counts only beside a 预算年度 (it could be any text otherwise).
    """
    bare, pairs = _pieces(block)
    code = name = ""
    year = 0
    for key, value in pairs:
        if key in YEAR_LABELS and (match := _YEAR_VALUE.fullmatch(value)) and not year:
            year = int(match[1])
        elif key in CODE_LABELS and _CODE_VALUE.fullmatch(value) and not code:
            code = value
        elif key in DEPARTMENT_LABELS and value and not name:
            code, name = _coded(value) if not code else (code, _coded(value)[1] or value)
    for text in bare:
        if not year and (match := _YEAR_UNLABELLED.fullmatch(text)):
            year = int(match[1])
    if year and not name:
        coded = next((c for c in map(_coded, bare) if c[0]), None)
        if coded:
            code, name = code or coded[0], coded[1]
    if not (year or code or name):
        return None
    return Header(code, name, year, block.where)


def department_headers(blocks: Iterable[Block]) -> list[Header]:
    """The header of each table or group of header lines: "预算年度：2024" and "306唐山市…局".

    Header lines may be cells of a row (the sample: "306唐山市…局 | 预算年度：2024 | 单位：万元")
    or paragraphs above a table ("部门名称：…", "部门编码：306", "预算年度：2025"); consecutive
    header blocks (table ends and 单位 lines aside) make one header, the first of each value counting.
    A line holding only "306唐山市…局" joins the 预算年度 line right before or after it.
    """
    headers: list[Header] = []
    group: Header | None = None
    pending: tuple[str, str] | None = None  # a lone "306…局" line waiting for its 预算年度
    for block in blocks:
        if isinstance(block, TableBreak):
            continue
        found = _header(block)
        if found is None:
            coded = _lone_department(block)
            if coded and group is not None and group.year and not group.name:
                group.code, group.name = group.code or coded[0], coded[1]
            elif money_unit(block) is None:
                group, pending = None, coded
            continue
        if pending and found.year and not found.name:
            found.code, found.name = found.code or pending[0], pending[1]
        pending = None
        if group is None or (found.year and group.year):
            group = found
            headers.append(group)
            continue
        group.year = group.year or found.year
        if found.code and not group.code:
            group.code, group.name = found.code, found.name or group.name
        group.name = group.name or found.name
    return headers


def _lone_department(block: Paragraph | Row) -> tuple[str, str] | None:
    """(code, name) of a block holding nothing but "306唐山市…局" (short, no label)."""
    bare, pairs = _pieces(block)
    if pairs or len(bare) != 1 or len(bare[0]) > _LONE_MAX:
        return None
    code, name = _coded(bare[0])
    return (code, name) if code else None


def money_unit(block: Block) -> str | None:
    """ "元" or "万元" when the block states an amount unit ("单位：元", "金额单位：万元"), else None."""
    if isinstance(block, TableBreak):
        return None
    units = [value for key, value in _pieces(block)[1] if key in MONEY_LABELS and value in ("元", "万元")]
    return units[0] if units else None


# -- amounts in 元 ----------------------------------------------------------------------------

TEN_THOUSAND = Decimal(10000)
_UNIT_IN_LABEL = re.compile(r"（(万元|元)）$")


def yuan_to_wan(yuan: Decimal) -> Decimal:
    """元 to 万元, exact (no rounding): 2984500.00 -> 298.45, 3309840.00 -> 330.984."""
    wan = yuan.scaleb(-4)
    two = wan.quantize(TWO_PLACES)
    return two if two == wan else wan.normalize()


def unit_in_label(text: str) -> tuple[str, str | None]:
    """("预算数", "元") from the label "预算数（元）"; (text, None) when the label names no unit."""
    match = _UNIT_IN_LABEL.search(text)
    return (text[: match.start()], match[1]) if match else (text, None)


def amount_in(text: str, name: str, unit: str) -> tuple[Decimal | None, str | None]:
    """An amount cell in 万元, read in ``unit`` ("元" or "万元") unless the cell names its own unit.

    An amount in 元 must be exact to the 分 (two places); it is divided by 10,000 exactly and then
    held to what a 万元 amount may be (``amount``), the message naming the figure as written.
    """
    cleaned = label(text)
    if cleaned.endswith("万元") or (unit != "元" and not cleaned.endswith("元")):
        return amount(text, name)
    cleaned = cleaned.removesuffix("元")
    if not cleaned:
        return None, f"{name}为空"
    value = number(cleaned)
    if value is None:
        return None, f"{name}“{text}”不是有效的金额"
    if value < 0:
        return None, f"{name} {text} 不能为负数"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return None, f"{name} {text} 元超过两位小数（金额应精确到分）"
    result, error = amount(f"{yuan_to_wan(value):f}", name)
    if error:
        return None, f"{error}（文件中为 {text.strip()} 元）"
    return result, None
