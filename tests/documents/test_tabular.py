"""The tabular reader maps a file's headers onto any schema's labelled fields: a new column is a new field."""

import codecs
import io
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import Schema, fields

from perf.documents.tabular import HEADER_SEARCH, ImportFileError, cell, columns_of, excel_date, is_serial, read_table


class ToySchema(Schema):
    code = fields.String(metadata={"label": "项目编码", "column_required": True})
    amount = fields.String(metadata={"label": "金额（元）", "column_required": False})
    labelled = fields.String(metadata={"label": "备注"})  # labelled, but not a file column


def test_headers_map_by_label_or_field_name_whatever_the_brackets_and_spaces():
    data = "﻿项目编码, 金额 (元) ,备用\r\nP1,98,x\r\n".encode()
    table = read_table(data, "a.csv", ToySchema(), "行")
    assert table.columns == {"code": 0, "amount": 1}
    assert table.ignored_columns == ["备用"]
    records = [record for _, record, _ in table.records(columns_of(ToySchema()))]
    assert records == [{"code": "P1", "amount": "98"}]


def test_english_field_names_and_gbk():
    data = "amount\tCODE\r\n1,280.00\tP2\r\n".encode("gb18030")
    table = read_table(data, "a.csv", ToySchema(), "行")
    assert table.columns == {"amount": 0, "code": 1}


def test_a_missing_required_column_names_its_label_and_field():
    with pytest.raises(ImportFileError, match="缺少必需的列：项目编码（code）"):
        read_table("金额（元）\r\n5\r\n".encode(), "a.csv", ToySchema(), "行")


def test_a_column_given_twice_is_refused():
    with pytest.raises(ImportFileError, match="“项目编码”列出现了两次（第 1 列和第 2 列）"):
        read_table("项目编码,code\r\nP1,P2\r\n".encode(), "a.csv", ToySchema(), "行")


# --- files as people have them -------------------------------------------------------------------

CSV_BODY = '2024年项目支出明细\r\n单位：元\r\n项目编码,金额（元）\r\nP1,"1,280.00"\r\n合计,"1,280.00"\r\n'


@pytest.mark.parametrize(
    "data",
    [
        CSV_BODY.encode("utf-8"),
        codecs.BOM_UTF8 + CSV_BODY.encode("utf-8"),
        CSV_BODY.encode("gb18030"),
        CSV_BODY.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8 with BOM", "GBK", "UTF-16"],
)
def test_title_rows_and_a_unit_line_above_the_header_are_skipped(data):
    table = read_table(data, "a.csv", ToySchema(), "行")
    assert table.header_line == 3
    rows = [(line, record) for line, record, _ in table.records(columns_of(ToySchema()))]
    assert rows == [(4, {"code": "P1", "amount": "1,280.00"}), (5, {"code": "合计", "amount": "1,280.00"})]


def test_an_xlsx_with_a_title_row_reads_its_header_below_it():
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["支付明细"], [], ["单位：元", None], ["项目编码", "金额（元）"], ["P1", 1280.5]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "a.xlsx", ToySchema(), "行")
    assert table.header_line == 4
    assert [record for _, record, _ in table.records(columns_of(ToySchema()))] == [{"code": "P1", "amount": "1280.5"}]


def test_a_header_too_far_down_is_refused_naming_the_closest_row():
    lines = [f"标题{i}" for i in range(HEADER_SEARCH)] + ["项目编码", "P1"]
    with pytest.raises(ImportFileError, match="缺少必需的列"):
        read_table("\r\n".join(lines).encode(), "a.csv", ToySchema(), "行")


def test_a_header_without_rows_is_said_so():
    with pytest.raises(ImportFileError, match="只有表头"):
        read_table("标题\r\n项目编码\r\n".encode(), "a.csv", ToySchema(), "行")


@pytest.mark.parametrize(
    ("value", "takes_dates", "expected"),
    [
        (45474, True, date(2024, 7, 1)),  # a number cell in a date column: Excel's serial
        (45474.75, True, date(2024, 7, 1)),  # with a time of day
        ("45474", True, date(2024, 7, 1)),  # as a CSV export writes it
        (45474, False, "45474"),  # in any other column it stays the number
        (datetime(2024, 7, 1, 9, 30), True, datetime(2024, 7, 1, 9, 30)),  # a real date cell
        (datetime(2024, 7, 1, 9, 30), False, "2024-07-01"),
        ("2024年7月1日", True, "2024年7月1日"),  # text dates are the field's to read
        (1280.5, False, "1280.5"),
        (1234.5600000000002, False, "1234.56"),
        (12, True, "12"),  # too small to be a date anyone writes
        (True, True, "True"),
    ],
)
def test_cells_as_a_schema_reads_them(value, takes_dates, expected):
    assert cell(value, takes_dates) == expected


@pytest.mark.parametrize(
    ("serial", "day"),
    [(25569, date(1970, 1, 1)), (43831, date(2020, 1, 1)), (45352, date(2024, 3, 1)), (45657, date(2024, 12, 31))],
)
def test_excel_serials_are_the_days_excel_shows(serial, day):
    assert excel_date(serial) == day


@given(st.dates(min_value=date(1960, 1, 1), max_value=date(2100, 12, 31)))
def test_every_serial_in_range_reads_back_as_its_date(day):
    serial = (day - date(1899, 12, 30)).days
    assert is_serial(serial)
    assert cell(serial, True) == day
    assert cell(str(serial), True) == day


@pytest.mark.parametrize(
    ("title_rows", "expected"),
    [
        (["支付明细", "单位：元"], (2, "元")),
        (["支付明细", "金额单位: 万元"], (2, "万元")),
        (["单位：万元 制表日期：2024-07-01"], (1, "万元")),
        (["支付明细"], None),
        ([], None),
    ],
)
def test_a_unit_line_above_the_header_is_read(title_rows, expected):
    data = "\r\n".join([*title_rows, "项目编码,金额（元）", "P1,1"]).encode()
    assert read_table(data, "a.csv", ToySchema(), "行").stated_unit() == expected
