"""A .docx or .xlsx that unpacks to more than MAX_UNPACKED (or holds more than MAX_ENTRIES parts) is refused
unread, with a Chinese message, before python-docx or openpyxl unpacks anything."""

import io
import zipfile

import openpyxl
import pytest

from perf.documents import packages
from perf.documents.reader import DocumentError, read_document
from perf.documents.tabular import ImportFileError, read_rows
from perf.spending.importer import import_payments


def xlsx_with(extra: bytes) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["项目编码", "支付日期", "金额（元）", "凭证号", "摘要"])
    buffer = io.BytesIO()
    book.save(buffer)
    return with_entry(buffer.getvalue(), "xl/media/padding.bin", extra)


def docx_with(extra: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return with_entry(buffer.getvalue(), "word/media/padding.bin", extra)


def with_entry(data: bytes, name: str, extra: bytes) -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package:
        package.writestr(name, extra)
    return buffer.getvalue()


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(packages, "MAX_UNPACKED", 1024 * 1024)  # 1 MB: a 2 MB part is a "bomb" here


def test_an_xlsx_that_unpacks_too_far_is_refused_unread(small_limit):
    bomb = xlsx_with(bytes(2 * 1024 * 1024))
    assert len(bomb) < 50_000  # zeros compress: the upload itself is small
    with pytest.raises(ImportFileError) as refused:
        read_rows(bomb, "支付.xlsx", "支付记录")
    assert "文件解压后约 2 MB，超过 1 MB，未读取" in str(refused.value)


def test_a_payments_import_of_a_bomb_names_the_file_and_writes_nothing(session, demo, small_limit):
    result = import_payments(xlsx_with(bytes(2 * 1024 * 1024)), "支付.xlsx", actor="cli")
    assert not result.ok and any("超过 1 MB，未读取" in str(problem) for problem in result.problems)
    assert result.created == []


def test_a_docx_that_unpacks_too_far_is_refused_unread(small_limit):
    with pytest.raises(DocumentError) as refused:
        read_document(docx_with(bytes(2 * 1024 * 1024)), "部门预算.docx")
    assert any("超过 1 MB，未读取" in message for _, message in refused.value.problems)


def test_too_many_parts_are_refused(monkeypatch):
    monkeypatch.setattr(packages, "MAX_ENTRIES", 20)
    data = xlsx_with(b"x")
    for n in range(20):
        data = with_entry(data, f"xl/media/p{n}.bin", b"x")
    assert "个部件，超过 20 个" in packages.package_problem(data)


def test_an_ordinary_file_passes():
    assert packages.package_problem(xlsx_with(b"small")) is None
    assert packages.package_problem(b"not a zip") is None
