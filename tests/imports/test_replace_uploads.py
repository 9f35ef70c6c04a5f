"""Uploading a document that replaces projects: the preview says what is kept, changed and dropped; dropping an
indicator with recorded data needs the box ticked on the page (the API's ``?drop_recorded=true``: tests/api)."""

import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from perf.actuals.models import ActualValue
from perf.audit.models import AuditEntry
from perf.errors import RuleError
from perf.imports import services
from perf.imports.models import ImportRecord
from perf.projects.models import Indicator, Project
from tests.documents.test_import import SAMPLE_TEXT
from tests.documents.test_replace_keeps_work import CHANGED, NETWORK, REMOVED

PROJECT = "“互联网+政务服务”行政审批网络维护费"
ONLINE = {
    "code": NETWORK,
    "project": PROJECT,
    "level1": "效益指标",
    "level2": "生态效益指标",
    "name": "网上审批率",
    "value": "≥98%",
}


def record_actual(session, name: str, text: str, number: str) -> int:
    """An actual value on NETWORK's indicator ``name`` (committed, like a user's earlier entry); its indicator id."""
    indicator = session.scalar(
        sa.select(Indicator).join(Project).where(Project.code == NETWORK, Indicator.name == name)
    )
    session.add(
        ActualValue(
            indicator_id=indicator.id,
            as_of=date(2024, 12, 31),
            value_text=text,
            number=Decimal(number),
            unit="%",
            kind="quantitative",
        )
    )
    session.commit()
    return indicator.id


def actual_count(session) -> int:
    return session.scalar(sa.select(sa.func.count(ActualValue.id)))


def upload(client, text: str) -> str:
    data = {"kind": "disclosure", "file": (io.BytesIO(text.encode()), "公开.txt")}
    response = client.post("/imports", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    return response.headers["Location"]


def test_the_check_says_what_is_kept_changed_and_dropped(session, users):
    record_actual(session, "提供材料比例", "40%", "40")
    record = services.check("disclosure", "公开.txt", CHANGED.encode(), users["reviewer"])
    assert record.problems == [] and record.summary["changed"] == 1
    assert record.summary["indicators"] == {"kept": 7, "changed": 1, "dropped": 0, "added": 0}
    (entry,) = [p for p in record.preview if p["changed"]]
    assert entry["changed"][1:] == [
        "指标：保留 7 项、变更 1 项、删除 0 项、新增 0 项",
        "变更的指标 提供材料比例：≥40% → ≥45%",
    ]
    assert entry["dropping"] == [] and record.dropping == []
    services.apply(record, users["reviewer"])  # nothing recorded is dropped: no confirmation needed
    session.expire_all()
    assert actual_count(session) == 1
    assert "；覆盖项目的指标保留 7 项、变更 1 项、删除 0 项、新增 0 项" in session.scalar(
        sa.select(AuditEntry.summary).where(AuditEntry.action == "import.apply")
    )


def test_applying_a_drop_of_recorded_work_needs_the_confirmation(session, users):
    record_actual(session, "网上审批率", "98%", "98")
    record = services.check("disclosure", "公开.txt", REMOVED.encode(), users["reviewer"])
    assert record.problems == [] and record.can_apply
    assert record.dropping == [{**ONLINE, "recorded": ["实际完成值 1 条"]}]
    with pytest.raises(RuleError) as refused:
        services.apply(record, users["reviewer"])
    assert refused.value.kind == "conflict"
    (message,) = refused.value.errors["drop_recorded"]
    assert f"{NETWORK} 网上审批率（效益指标·生态效益指标）：实际完成值 1 条。" in message
    assert record.status == "checked" and actual_count(session) == 1
    services.apply(record, users["reviewer"], drop_recorded=True)
    assert record.status == "applied" and actual_count(session) == 0


def test_the_page_lists_the_dropped_indicator_and_applies_only_with_the_box_ticked(client, login, users, session):
    record_actual(session, "网上审批率", "98%", "98")
    record_actual(session, "平台使用率", "96%", "96")
    login(users["reviewer"])
    preview = upload(client, REMOVED)
    page = client.get(preview).get_data(as_text=True)
    assert "覆盖项目的指标：将保留 7 项、变更 0 项、删除 1 项、新增 0 项" in page
    assert 'id="import-dropping"' in page and "网上审批率" in page and "实际完成值 1 条" in page
    assert 'id="dropping-banner"' in page and "文件中已没有 1 项已填报数据的指标" in page
    assert (
        'id="drop-recorded"' in page and 'name="drop_recorded"' in page and "确认删除上述指标及其已填报的数据" in page
    )
    assert "drop_recorded" not in page.replace('name="drop_recorded"', "")  # no developer word shown

    refused = client.post(preview + "/apply", follow_redirects=True).get_data(as_text=True)
    assert (
        "文件中已没有以下指标，它们已有填报的数据" in refused
        and "请勾选“确认删除上述指标及其已填报的数据”后再导入" in refused
    )
    session.expire_all()
    assert actual_count(session) == 2
    assert session.get(ImportRecord, int(preview.rsplit("/", 1)[1])).status == "checked"

    applied = client.post(preview + "/apply", data={"drop_recorded": "y"}, follow_redirects=True)
    text = applied.get_data(as_text=True)
    assert "已导入" in text and "已删除的指标" in text and 'id="drop-recorded"' not in text
    assert "；覆盖项目的指标保留 7 项、变更 0 项、删除 1 项、新增 0 项" in text  # the confirmation's message
    session.expire_all()
    assert session.scalars(sa.select(ActualValue.value_text)).all() == ["96%"]  # 平台使用率's stays


def test_a_drop_without_recorded_data_shows_no_checkbox(client, login, users, session):
    login(users["reviewer"])
    page = client.get(upload(client, REMOVED)).get_data(as_text=True)
    assert 'id="import-dropping"' in page and "网上审批率" in page
    assert 'id="drop-recorded"' not in page and 'id="dropping-banner"' not in page
    assert 'id="apply-import"' in page and "删除 1 项指标。" in page  # the confirm dialog says so


def test_an_unchanged_document_says_nothing_of_indicators(client, login, users):
    login(users["reviewer"])
    page = client.get(upload(client, SAMPLE_TEXT)).get_data(as_text=True)
    assert "未变 7 个项目" in page
    assert 'id="import-rows"' not in page and 'id="import-dropping"' not in page


def test_data_recorded_after_the_check_changes_the_preview_and_is_refused(session, users):
    record = services.check("disclosure", "公开.txt", REMOVED.encode(), users["reviewer"])
    assert record.dropping[0]["recorded"] == []
    record_actual(session, "网上审批率", "98%", "98")  # recorded between the check and the confirmation
    with pytest.raises(RuleError) as refused:
        services.apply(record, users["reviewer"], drop_recorded=True)
    assert "预览已不准确" in refused.value.messages[0]
    assert actual_count(session) == 1
