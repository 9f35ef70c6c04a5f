"""The tabular reader maps a file's headers onto any schema's labelled fields: a new column is a new field."""

import pytest
from marshmallow import Schema, fields

from perf.documents.tabular import ImportFileError, columns_of, read_table


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
