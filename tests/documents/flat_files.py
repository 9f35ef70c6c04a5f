"""Flat 绩效目标 tables as 预算管理一体化 systems export them, generated for the tests (no real file is copied).

``FLAT_ROWS`` is one department with two units and three projects: indicators of a project not grouped by
一级 (产出, 效益, 满意度 interleaved), 指标性质 in its own column, 度量单位 apart, weights summing to 90.
``xlsx`` merges each project's cells down over its indicator rows; ``csv`` leaves them blank (GBK by default).
"""

import csv
import io

import openpyxl

TITLE = "部门预算项目绩效目标申报表(2023年度)"
UNIT_LINE = "金额单位：元"
HEADER = [
    "单位名称",
    "项目编码",
    "项目名称",
    "预算数",
    "年度目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "权重",
    "指标方向性",
    "绩效指标描述",
    "评(扣)分标准",
]
DEPARTMENT_ROW = ["820-马踏镇部门", None, None, "8,827,620.53"]
GOAL_A = "保障镇村道路日常养护，道路完好率不低于95%。"
GOAL_B = "完成镇区绿化补植，群众满意。"
GOAL_C = "按时发放困难群众补助。"
#: (unit, code, name, budget, goal) then the indicator rows of each project.
PROJECTS = [
    (
        ("820001-井研县马踏镇人民政府", "51112323R000000012345", "镇村道路养护经费", "3,309,840.00", GOAL_A),
        [
            ["产出指标", "数量指标", "养护道路里程", "≥", "35", "公里", "20", "正向指标", "全年养护里程"],
            ["效益指标", "社会效益指标", "道路完好率", "≥", "95", "%", "20", "正向指标", "道路完好的比例"],
            ["产出指标", "成本指标", "养护成本", "≤", "330.984", "万元", "20", "反向指标", "全年养护支出"],
            ["满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%", "15", "正向指标", ""],
            ["产出指标", "时效指标", "完成时限", "定性", "年底前完成", "", "15", "", ""],
        ],
    ),
    (
        ("820001-井研县马踏镇人民政府", "51112323R000000012346", "镇区绿化补植", "500,000.00", GOAL_B),
        [
            ["产出指标", "数量指标", "补植面积", "≥", "2000", "平方米", "30", "正向指标", ""],
            ["效益指标", "生态效益指标", "苗木成活率", "≥", "90", "%", "30", "正向指标", ""],
            ["满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%", "30", "正向指标", ""],
        ],
    ),
    (
        ("820002-井研县马踏镇社会事务服务中心", "51112323R000000012347", "困难群众补助", "1,200,000.00", GOAL_C),
        [
            ["产出指标", "数量指标", "补助人数", "=", "120", "人", "45", "正向指标", ""],
            ["效益指标", "社会效益指标", "补助按时发放率", "", "100%", "", "45", "", ""],
        ],
    ),
]


def flat_rows(with_codes: bool = True, department_row: bool = True, carry: bool = False) -> list[list]:
    """The rows under the header: a department row, then each project's indicator rows.

    ``carry``: every row repeats its project's cells (else only the first row has them).
    """
    rows = [list(DEPARTMENT_ROW) + [None] * (len(HEADER) - 4)] if department_row else []
    for (unit, code, name, budget, goal), indicators in PROJECTS:
        for index, indicator in enumerate(indicators):
            head = [unit, code if with_codes else None, name, budget, goal] if index == 0 or carry else [None] * 5
            level1, level2, level3, nature, value, measure, weight, direction, description = indicator
            rows.append([*head, level1, level2, level3, nature, value, measure, weight, direction, description, "略"])
    return rows


def header(with_codes: bool = True) -> list[str]:
    return HEADER if with_codes else [h for h in HEADER if h != "项目编码"]


def _drop_code(row: list) -> list:
    return row[:1] + row[2:]


def xlsx(rows=None, with_codes=True, title=TITLE, unit_line=UNIT_LINE, merge=True, header_row=None) -> bytes:
    """An XLSX export: title, 金额单位 line, header, rows; project cells merged down over their indicators."""
    rows = flat_rows(with_codes) if rows is None else rows
    head = header_row or header(with_codes)
    if not with_codes and rows and len(rows[0]) == len(HEADER):
        rows = [_drop_code(row) for row in rows]
    book = openpyxl.Workbook()
    sheet = book.active
    for line in (title, unit_line):
        if line:
            sheet.append([line])
    sheet.append(head)
    first = sheet.max_row + 1
    for row in rows:
        sheet.append(row)
    if merge:
        name_at = head.index("项目名称")
        for top, bottom in _spans(rows, name_at):
            for column in range(1, name_at + 4):  # 单位, (编码,) 名称, 预算数, 年度目标
                sheet.merge_cells(start_row=first + top, start_column=column, end_row=first + bottom, end_column=column)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _spans(rows: list[list], name_at: int) -> list[tuple[int, int]]:
    """(first, last) row index of each project with more than one row: its name, then rows without one."""
    spans, top = [], None
    for index, row in enumerate([*rows, None]):
        continues = row is not None and not row[name_at] and row[name_at + 3]  # no name, an indicator
        if not continues:
            if top is not None and index - 1 > top:
                spans.append((top, index - 1))
            top = index if row is not None and row[name_at] else None
    return spans


def csv_bytes(rows=None, with_codes=True, encoding="gbk", title=TITLE, unit_line=UNIT_LINE) -> bytes:
    """The same as a CSV with blank project cells (no merging in CSV), GBK by default."""
    rows = flat_rows(with_codes) if rows is None else rows
    if not with_codes and rows and len(rows[0]) == len(HEADER):
        rows = [_drop_code(row) for row in rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in (title, unit_line):
        if line:
            writer.writerow([line])
    writer.writerow(header(with_codes))
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue().encode(encoding)
