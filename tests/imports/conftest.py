"""Files as people have them, for the upload tests."""

import io

import openpyxl

CODE = "13020724P00X4BL10005W"  # 预算数 28.00 万元
OTHER = "13020724P00000410001A"
HEADER = ["项目编码", "支付日期", "金额（元）", "凭证号", "摘要"]


def xlsx(rows, header=HEADER, title="2024年国库集中支付明细", unit="单位：元", total=True) -> bytes:
    """A treasury export: a title row, a 单位 line, the header, the rows, a 合计 row."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    if unit:
        sheet.append([unit])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if total:
        sheet.append(["合计", None, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
