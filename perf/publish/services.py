"""Publishing a department's year: what stops a layout from carrying it, and the file in that layout."""

import re

from perf.publish import docx, xlsx
from perf.publish.model import Publication

FORMATS = {"docx": (docx.to_bytes, docx.MIMETYPE), "xlsx": (xlsx.to_bytes, xlsx.MIMETYPE)}
_MONTH_END = re.compile(r"\d{1,2}月底")
_DEPARTMENT_CODE = re.compile(r"\d{2,}")
_CODE = re.compile(r"[0-9A-Za-z]+")


def problems(publication: Publication, fmt: str) -> list[str]:
    """Why ``publication`` cannot be written in ``fmt`` so that perf reads it back the same, in Chinese."""
    found = []
    if not publication.projects:
        found.append(f"{publication.department_name} {publication.year} 年度没有可导出的项目")
    if fmt == "docx":
        if not _DEPARTMENT_CODE.fullmatch(publication.department_code):
            found.append(f"部门编码“{publication.department_code}”不是数字，公开文件的表头无法写明部门")
        odd = [label for label in publication.checkpoints if not _MONTH_END.fullmatch(label)]
        if odd:
            found.append(f"资金支出计划的时间节点 {'、'.join(odd)} 不是月底，公开格式只能写“3月底”这样的节点")
        unplanned = [p.name for p in publication.projects if len(p.plan) != len(publication.checkpoints)]
        if unplanned:
            found.append(f"以下项目尚未填写资金支出计划，公开格式的绩效目标表必须有：{'、'.join(unplanned)}")
    elif not _CODE.fullmatch(publication.department_code):
        found.append(f"部门编码“{publication.department_code}”只能由字母和数字组成")
    return found


def render(publication: Publication, fmt: str) -> bytes:
    """The file's bytes (check ``problems`` first)."""
    return FORMATS[fmt][0](publication)


def mimetype(fmt: str) -> str:
    return FORMATS[fmt][1]


def file_name(publication: Publication, fmt: str) -> str:
    """The download's name: 唐山市丰南区行政审批局2024年部门项目绩效目标.docx."""
    return f"{publication.department_name}{publication.year}年部门项目绩效目标.{fmt}"
