"""Two owners entering 实际完成值 from two open pages: a row the other changed is refused, nothing is lost."""

import html

import pytest
import sqlalchemy as sa

from perf.actuals.models import ActualValue
from perf.extensions import db
from perf.projects.models import Project
from tests.factories import posted_fields

CODE = "13020724P00X4BL10005W"
DAY = "2024-12-31"


@pytest.fixture
def project(session, users):
    return session.scalar(sa.select(Project).where(Project.code == CODE))


def opened(client, project) -> tuple[str, dict]:
    page = html.unescape(client.get(f"/projects/{project.id}/actuals?as_of={DAY}").get_data(as_text=True))
    return page, posted_fields(page, "actuals-form")


def save(client, project, fields: dict, **values):
    """Post the page's ``fields`` with each row's value changed (``values[row index as text]``)."""
    typed = {f"rows-{row}-value": value for row, value in values.items()}
    return client.post(f"/projects/{project.id}/actuals", data={**fields, **typed})


def row_of(project, name: str) -> int:
    return next(index for index, indicator in enumerate(project.indicators) if indicator.name == name)


def stored(project) -> dict[str, str]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(ActualValue).where(ActualValue.as_of == sa.func.date(DAY)))
    return {row.indicator.name: row.value_text for row in rows if row.indicator.project_id == project.id}


def test_a_row_changed_by_another_since_the_page_opened_is_refused(client, login, users, project):
    login(users["owner"])
    first_row = row_of(project, "提供材料比例")
    _, first = opened(client, project)
    assert (
        client.post(f"/projects/{project.id}/actuals", data={**first, f"rows-{first_row}-value": "40%"}).status_code
        == 302
    )
    _, mine = opened(client, project)
    _, theirs = opened(client, project)
    assert (
        client.post(f"/projects/{project.id}/actuals", data={**theirs, f"rows-{first_row}-value": "45%"}).status_code
        == 302
    )
    other_row = row_of(project, "长期使用性")
    typed = {**mine, f"rows-{first_row}-value": "50%", f"rows-{other_row}-value": "平台持续使用"}
    refused = client.post(f"/projects/{project.id}/actuals", data=typed)
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert "“提供材料比例”的实际完成值在您打开后已被他人改为“45%”" in page
    assert "全部未保存" in page
    assert 'value="50%"' in page and 'value="平台持续使用"' in page  # every typed value stays on the page
    assert stored(project) == {"提供材料比例": "45%"}  # all or nothing: the other row waits too
    again = posted_fields(page, "actuals-form")  # the page now carries the versions it showed
    assert client.post(f"/projects/{project.id}/actuals", data=again).status_code == 302
    assert stored(project) == {"提供材料比例": "50%", "长期使用性": "平台持续使用"}


def test_a_value_first_stored_by_another_is_not_overwritten_unseen(client, login, users, project):
    login(users["owner"])
    row = row_of(project, "提供材料比例")
    _, mine = opened(client, project)
    _, theirs = opened(client, project)
    assert save(client, project, theirs, **{str(row): "45%"}).status_code == 302
    refused = save(client, project, mine, **{str(row): "30%"})
    assert "已被他人改为“45%”" in html.unescape(refused.get_data(as_text=True))
    assert stored(project) == {"提供材料比例": "45%"}


def test_the_same_value_saved_by_both_is_no_conflict(client, login, users, project):
    login(users["owner"])
    row = row_of(project, "提供材料比例")
    _, mine = opened(client, project)
    _, theirs = opened(client, project)
    assert save(client, project, theirs, **{str(row): "45%"}).status_code == 302
    assert save(client, project, mine, **{str(row): "45%"}).status_code == 302
