"""read_document: the text export and .docx become the same stream of blocks."""

import io
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf.documents.reader import (
    DocumentError,
    Paragraph,
    Row,
    TableBreak,
    join_continued,
    read_document,
)
from tests.documents import docx_builder as build

SAMPLE = Path(__file__).parents[2] / "perf/documents/sample/fengnan_approval_bureau_2024.txt"


@pytest.fixture(scope="module")
def sample_blocks():
    return read_document(SAMPLE.read_bytes(), SAMPLE.name)


def shape(blocks):
    """Blocks without their locations, for comparing the two formats."""
    result = []
    for block in blocks:
        if isinstance(block, Row):
            result.append(("row", block.cells))
        elif isinstance(block, Paragraph):
            result.append(("p", block.text))
        else:
            result.append(("break",))
    return result


def block_at(blocks, where):
    return next(block for block in blocks if block.where == where)


# -- the text export -------------------------------------------------------------------------


def test_sample_starts_with_heading_and_department_header_row(sample_blocks):
    assert sample_blocks[0] == Paragraph("[bookmark: _Toc_2_2_0000000001]部门预算收支总表", "第1行")
    assert sample_blocks[1] == Row(("306唐山市丰南区行政审批局", "预算年度：2024", "单位：万元"), "第2行")
    assert sample_blocks[2] == Row(("序号", "收入", "支出"), "第6行")


def test_sample_rows_keep_merged_cells_as_exported(sample_blocks):
    # 功能分类科目 is merged across two columns: once in the header, nine cells below it
    header = block_at(sample_blocks, "第523行")
    assert header.cells[:3] == ("序号", "功能分类科目", "合计")
    assert len(header.cells) == 8
    assert block_at(sample_blocks, "第532行").cells[:3] == ("", "科目    编码", "科目名称")
    total = block_at(sample_blocks, "第552行")
    assert total.cells == ("1", "", "合计", "1439.91", "1141.46", "298.45", "", "", "")


def test_table_ends_at_a_line_without_tab(sample_blocks):
    i = sample_blocks.index(block_at(sample_blocks, "第1660行"))
    assert sample_blocks[i].cells == ("唐山市丰南区公交资源交易中心", "事业", "副科级", "其他")
    assert sample_blocks[i + 1] == TableBreak("第1663行")
    assert sample_blocks[i + 2] == Paragraph("[bookmark: _Toc_3_3_0000000011]二、部门预算安排的总体情况", "第1666行")


def test_two_blank_lines_split_a_table(sample_blocks):
    # the first indicator table is split after its first row (a page break in Word)
    i = sample_blocks.index(block_at(sample_blocks, "第1760行"))
    assert sample_blocks[i].cells[2:5] == (
        "提供材料比例",
        "企业和群众办事提供的材料减少的比例",
        "≥40%",
    )
    assert sample_blocks[i + 1] == TableBreak("第1765行")
    assert sample_blocks[i + 2] == Row(
        (
            "",
            "质量指标",
            "办理结果电子化率",
            "事项办理结果中电子结果占比",
            "≥90%",
            "网上审批事项工作台账",
        ),
        "第1769行",
    )


def test_paragraph_text_is_stripped(sample_blocks):
    assert block_at(sample_blocks, "第1715行") == Paragraph("无", "第1715行")


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode("utf-8"), id="utf-8"),
        pytest.param(lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), id="utf-8-bom"),
        pytest.param(lambda text: text.encode("gb18030"), id="gb18030"),
        pytest.param(lambda text: text.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
        pytest.param(lambda text: text.encode("utf-16"), id="utf-16-bom"),
    ],
)
def test_encodings_and_line_ends_read_alike(encode):
    text = build.to_text(build.Spec())
    expected = read_document(text.encode("utf-8"), "a.txt")
    assert read_document(encode(text), "a.txt") == expected


def test_row_and_break_locations_in_text():
    text = "标题\n\tA\n\tB\n\n\tC\n\t\n\n\n\tD\n结尾\n"
    assert read_document(text.encode(), "a.txt") == [
        Paragraph("标题", "第1行"),
        Row(("A", "B"), "第2行"),
        Row(("C", ""), "第5行"),
        TableBreak("第6行"),
        Row(("D",), "第9行"),
        TableBreak("第9行"),
        Paragraph("结尾", "第10行"),
    ]


# -- Word .docx ------------------------------------------------------------------------------


def test_docx_reads_like_its_text_export():
    spec = build.Spec(projects=[build.Project(), build.Project(title="业务经费", code="P2")])
    from_docx = read_document(build.to_docx(spec), "部门预算.docx")
    from_text = read_document(build.to_text(spec).encode(), "部门预算.txt")
    assert shape(from_docx) == shape(from_text)
    assert from_docx[0] == Paragraph("部门预算支出总表", "第1段")
    assert from_docx[1] == Row(("306唐山市丰南区行政审批局", "预算年度：2024", "单位：万元"), "第1个表格第1行")
    assert from_docx[2] == TableBreak("第1个表格末尾")


def test_docx_detected_by_content_whatever_the_name():
    data = build.to_docx(build.Spec())
    assert read_document(data, "upload.bin") == read_document(data, "部门预算.docx")


def merged_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("前言")
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).text = "预算规模及资金用途"
    table.cell(0, 1).text = "预算数"
    table.cell(0, 2).text = "28.00"
    table.cell(0, 3).text = "其他"
    table.cell(0, 0).merge(table.cell(2, 0))  # vertical
    # Word hides any text left in a continuation cell; the reader must too
    table.rows[2]._tr.tc_lst[0].p_lst[0].add_r().text = "残留"
    table.cell(1, 1).text = "资金用途说明"
    table.cell(1, 1).merge(table.cell(1, 3))  # horizontal
    table.cell(2, 1).text = "甲"
    table.cell(2, 2).text = "乙"
    table.cell(2, 3).text = "丙"
    document.add_paragraph("")  # an empty paragraph: not a block
    document.add_paragraph("后记")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_merged_cells_appear_once_and_continuations_empty():
    data = merged_docx()
    assert read_document(data, "merged.docx") == [
        Paragraph("前言", "第1段"),
        Row(("预算规模及资金用途", "预算数", "28.00", "其他"), "第1个表格第1行"),
        Row(("", "资金用途说明"), "第1个表格第2行"),
        Row(("", "甲", "乙", "丙"), "第1个表格第3行"),
        TableBreak("第1个表格末尾"),
        Paragraph("后记", "第3段"),
    ]
    # python-docx's own row.cells repeats merged cells: that is what the reader avoids
    table = docx.Document(io.BytesIO(data)).tables[0]
    assert [cell.text for cell in table.rows[1].cells] == [
        "预算规模及资金用途",
        *["资金用途说明"] * 3,
    ]


def test_builder_really_merges_cells():
    document = docx.Document(io.BytesIO(build.to_docx(build.Spec())))
    xml = document.element.xml
    assert "w:vMerge" in xml
    assert "w:gridSpan" in xml
    header = document.tables[3]  # the first project's header table
    assert len(header.rows[3]._tr.tc_lst) == 2  # continuation + the purpose merged across


# -- refusals --------------------------------------------------------------------------------


def zipped(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


NOT_DOCX = "不是有效的 Word（.docx）文件，请用 Word 或 WPS 另存为 .docx 后重新上传，或上传导出的文本文件（.txt）"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        pytest.param(b"", "a.txt", "文件为空", id="empty"),
        pytest.param(b" \r\n\n  \n", "a.txt", "文件为空", id="whitespace"),
        pytest.param(b"\xef\xbb\xbf\n\n", "a.txt", "文件为空", id="bom-only"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "a.txt",
            "文件不是文本文件，也不是 Word（.docx）文件，无法读取",
            id="binary-nul",
        ),
        pytest.param(
            b"abc\x80\xff\xfe",
            "a.txt",
            "文件不是文本文件，也不是 Word（.docx）文件，无法读取",
            id="undecodable",
        ),
        pytest.param(
            b"text\x01\x02\x03",
            "a.txt",
            "文件不是文本文件，也不是 Word（.docx）文件，无法读取",
            id="control-characters",
        ),
        pytest.param("部门预算".encode(), "部门预算.docx", NOT_DOCX, id="docx-not-zip"),
        pytest.param(b"PK\x03\x04broken", "部门预算.docx", NOT_DOCX, id="docx-broken-zip"),
        pytest.param(
            zipped("data.csv", b"a,b"),
            "部门预算.docx",
            "该压缩文件不是 Word（.docx）文档，请上传部门预算公开的 Word 文档或其文本导出",
            id="zip-not-word",
        ),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            "部门预算.doc",
            "这是旧版 Word（.doc）文件，请用 Word 或 WPS 另存为 .docx 后重新上传",
            id="legacy-doc",
        ),
    ],
)
def test_refusals(data, filename, message):
    with pytest.raises(DocumentError) as caught:
        read_document(data, filename)
    assert caught.value.problems == [("文件", message)]
    assert str(caught.value) == f"文件：{message}"


def test_docx_with_no_content_is_empty():
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with pytest.raises(DocumentError) as caught:
        read_document(buffer.getvalue(), "blank.docx")
    assert caught.value.problems == [("文件", "文件为空")]


# -- a table continued after a page break ----------------------------------------------------

HEAD = ("一级指标", "二级指标", "三级指标")


def rows_text(*rows: tuple[str, ...]) -> list[str]:
    lines: list[str] = []
    for i, row in enumerate(rows):
        lines += ([""] if i else []) + ["\t" + cell for cell in row]
    return lines


def test_a_continued_table_is_joined_and_its_repeated_header_dropped():
    first = rows_text(HEAD, ("产出指标", "数量指标", "人数"))
    second = rows_text(HEAD, ("", "质量指标", "合格率"))
    for between in (["", ""], ["\f"], ["", "\f", ""], ["", "", "续表"], ["（续表）"]):
        text = "\n".join(["标题", *first, *between, *second, "结尾"]) + "\n"
        blocks = read_document(text.encode(), "a.txt")
        assert shape(blocks) == [
            ("p", "标题"),
            ("row", HEAD),
            ("row", ("产出指标", "数量指标", "人数")),
            ("row", ("", "质量指标", "合格率")),
            ("break",),
            ("p", "结尾"),
        ], between
        assert blocks[3].where == f"第{text.split(chr(10)).index(chr(9) + '合格率') - 1}行"  # its own line


def test_a_continued_table_repeating_two_header_rows_drops_both():
    header = [("序号", "功能分类科目", "合计"), ("", "科目编码", "科目名称")]
    text = "\n".join([*rows_text(*header, ("1", "201", "10.00")), "", "", *rows_text(*header, ("2", "20103", "5.00"))])
    assert shape(read_document(text.encode(), "a.txt")) == [
        ("row", header[0]),
        ("row", header[1]),
        ("row", ("1", "201", "10.00")),
        ("row", ("2", "20103", "5.00")),
        ("break",),
    ]


@pytest.mark.parametrize(
    "between",
    [
        pytest.param(["", "", "说明文字", ""], id="a-paragraph-between"),
        pytest.param(["", ""], id="other-first-row"),
    ],
)
def test_separate_tables_stay_apart(between):
    second = rows_text(
        HEAD if "说明文字" in between else ("项目编码", "P1", "项目名称"), ("产出指标", "质量指标", "率")
    )
    text = "\n".join([*rows_text(HEAD, ("产出指标", "数量指标", "人数")), *between, *second])
    assert sum(isinstance(block, TableBreak) for block in read_document(text.encode(), "a.txt")) == 2


def test_a_table_of_only_its_header_is_not_taken_for_a_continued_one():
    text = "\n".join([*rows_text(HEAD), "", "", *rows_text(HEAD, ("产出指标", "数量指标", "人数"))])
    assert shape(read_document(text.encode(), "a.txt")).count(("row", HEAD)) == 2


@pytest.mark.parametrize("split", [("indicators", 3), ("header", 5), ("header", 2)])
def test_docx_and_text_join_a_split_table_alike(split):
    spec = build.Spec(projects=[build.Project(split=split)])
    whole = shape(read_document(build.to_text(build.Spec()).encode(), "a.txt"))
    from_docx = read_document(build.to_docx(spec), "部门预算.docx")
    from_text = read_document(build.to_text(spec).encode(), "a.txt")
    assert shape(from_docx) == shape(from_text) == whole
    # the continued rows keep the location of the second Word table
    continued = build.project_table(spec, 1, split[0], piece=2)
    assert any(block.where == f"第{continued}个表格第2行" for block in from_docx)


@st.composite
def split_table(draw):
    """A table of distinct rows (the first its header) and a cut 2 ≤ k < len(rows)."""
    rows = draw(st.lists(st.tuples(st.text("甲乙丙123", min_size=1, max_size=3)), min_size=3, max_size=8, unique=True))
    return [Row(cells, f"r{i}") for i, cells in enumerate(rows)], draw(st.integers(2, len(rows) - 1))


@given(split_table())
def test_any_split_with_a_repeated_header_joins_back(table):
    rows, cut = table
    split = [*rows[:cut], TableBreak("b1"), Row(rows[0].cells, "h"), *rows[cut:], TableBreak("b2")]
    assert join_continued(split) == [*rows, TableBreak("b2")]
