"""Hardening: ids the database cannot hold name nothing (404, never 500); exports never run typed text.

(Issue "Hardening…": an id of 20 digits in a page URL or a query parameter answered 500 on both
databases; ``=HYPERLINK(…)`` typed into a project became a live formula in the XLSX exports.)
"""

from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from perf.db import MAX_ID, bounded_id
from perf.projects.models import Indicator, Project

HUGE = "99999999999999999999"
CODE = "13020724P00X4BL10005W"
FORMULA = '=HYPERLINK("http://example.com/steal","点这里")'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        (" 42 ", 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (HUGE, None),
        ("0", None),
        ("-3", None),
        ("1.5", None),
        ("١٢", None),  # Arabic-Indic digits are digits to str.isdigit, not ids
        ("²", None),  # a superscript two
        ("", None),
        (None, None),
        ("abc", None),
    ],
)
def test_bounded_id_is_an_id_the_database_holds_or_none(text, expected):
    assert bounded_id(text) == expected


#: (who, method, path): pages whose path or query carries an id or a year.
PAGES = [
    ("owner", "get", f"/projects/{HUGE}/progress"),
    ("reviewer", "get", f"/projects/{HUGE}/audit"),
    ("owner", "get", f"/projects/{HUGE}/edit"),
    ("owner", "get", f"/projects/{HUGE}/target-table.xlsx"),
    ("owner", "get", f"/projects/{HUGE}/self-evaluation"),
    ("owner", "get", f"/projects/{HUGE}/midyear"),
    ("owner", "get", f"/alerts/{HUGE}"),
    ("owner", "get", f"/payments/{HUGE}/edit"),
    ("owner", "post", f"/payments/{HUGE}/delete"),
    ("reviewer", "get", f"/departments/306/{HUGE}"),
    ("reviewer", "get", f"/departments/306/{HUGE}/dashboard"),
    ("reviewer", "post", f"/projects/{HUGE}/approve"),
    ("owner", "get", f"/api/v1/payments/{HUGE}"),
    ("owner", "get", f"/api/v1/projects/{HUGE}"),
    ("owner", "get", f"/api/v1/alerts/{HUGE}"),
]


@pytest.mark.parametrize(("who", "method", "path"), PAGES)
def test_an_id_the_database_cannot_hold_names_nothing(client, login, users, who, method, path):
    login(users[who])
    response = getattr(client, method)(path)
    assert response.status_code == 404, response.get_data(as_text=True)[:300]
    if path.startswith("/api/"):
        assert response.get_json()["code"] == 404
    else:
        assert "找不到" in response.get_data(as_text=True) or "不存在" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        f"/projects/new?copy={HUGE}",
        f"/projects/new?year={HUGE}",
        "/projects/new?copy=%C2%B2",  # ² (a superscript two)
    ],
)
def test_a_query_id_the_database_cannot_hold_is_no_id(client, login, users, path):
    login(users["owner"])
    response = client.get(path)
    assert response.status_code == 200
    assert "新建绩效目标表" in response.get_data(as_text=True)


def test_version_ids_past_the_database_compare_nothing(client, login, users, session):
    project = session.scalar(sa.select(Project).where(Project.code == CODE))
    login(users["reviewer"])
    response = client.get(f"/projects/{project.id}/versions?a={HUGE}&b={HUGE}")
    assert response.status_code == 200


def _no_formula(data: bytes) -> list[str]:
    book = load_workbook(BytesIO(data))
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_typed_text_is_never_a_formula_in_any_export(client, login, users, session):
    project = session.scalar(sa.select(Project).where(Project.code == CODE))
    project.name = FORMULA
    project.purpose = "+SUM(1,2)"
    indicator = session.scalar(sa.select(Indicator).where(Indicator.project_id == project.id))
    indicator.name = "@cmd|' /C calc'!A0"
    indicator.value_text = "=1+1"
    session.commit()
    login(users["reviewer"])
    exports = [
        f"/projects/{project.id}/target-table.xlsx",
        f"/projects/{project.id}/self-evaluation.xlsx",
        f"/projects/{project.id}/midyear.xlsx",
        "/departments/306/2024/self-evaluations.xlsx",
    ]
    for path in exports:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _no_formula(response.data) == [], path
        # the text is all there, as text
        book = load_workbook(BytesIO(response.data))
        texts = {
            cell.value for sheet in book for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)
        }
        assert any(FORMULA in text for text in texts), path
