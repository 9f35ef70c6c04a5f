"""The self-evaluation and actual-value pages: what each role sees, saving, refusals at their fields."""

import re
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from perf.actuals.models import ActualValue
from perf.actuals.services import set_actual
from perf.audit.models import AuditEntry
from perf.evaluation import workflow
from perf.evaluation.models import SelfEvaluation
from perf.projects.models import Project
from perf.spending.models import Payment
from tests.evaluation.test_self_eval_cli import scored  # noqa: F401  (the fixture)

CODE = "13020724P00X4BL10005W"


@pytest.fixture
def project(session, users):
    return session.scalar(sa.select(Project).where(Project.code == CODE))


def page_form(project, **changes) -> dict:
    """The form fields as the page first fills them (default weights), with ``changes`` applied."""
    data = {"outcome": "按计划完成", "full_year_budget": "", "carried_over": "", "lock_version": ""}
    for index, row in enumerate(workflow.current_rows(project)):
        data[f"rows-{index}-indicator_id"] = str(row.indicator_id)
        data[f"rows-{index}-weight"] = f"{row.weight:.2f}"
        data[f"rows-{index}-band"] = ""
        data[f"rows-{index}-band_score"] = ""
        data[f"rows-{index}-reason"] = ""
    data.update(changes)
    return data


def test_the_owner_sees_the_form_with_default_weights(client, login, users, project):
    login(users["owner"])
    page = client.get(f"/projects/{project.id}/self-evaluation").get_data(as_text=True)
    assert 'id="evaluation-form"' in page
    assert re.search(r'id="rows-0-weight"[^>]*value="12.50"', page)
    assert 'id="weight-total">90.00<' in page
    assert "第1行“提供材料比例”未填写实际完成值" in page  # the problems list before submission


def test_a_first_save_from_a_page_opened_before_another_first_save_is_refused(client, login, users, project):
    login(users["owner"])
    page = client.get(f"/projects/{project.id}/self-evaluation").get_data(as_text=True)
    assert re.search(r'name="lock_version" type="hidden" value="0"', page)  # nothing stored yet
    assert (
        client.post(f"/projects/{project.id}/self-evaluation", data=page_form(project, outcome="甲")).status_code == 302
    )
    refused = client.post(f"/projects/{project.id}/self-evaluation", data=page_form(project, lock_version="0"))
    assert refused.status_code == 422 and "绩效自评在您打开后已被他人修改" in refused.get_data(as_text=True)


def test_a_save_from_an_older_page_is_refused_then_a_deliberate_resave_wins(client, login, users, project, session):
    login(users["owner"])
    assert client.post(f"/projects/{project.id}/self-evaluation", data=page_form(project)).status_code == 302
    opened = session.scalar(sa.select(SelfEvaluation).where(SelfEvaluation.project_id == project.id)).lock_version
    first = page_form(project, outcome="第一人的说明", lock_version=str(opened))
    assert client.post(f"/projects/{project.id}/self-evaluation", data=first).status_code == 302
    second = page_form(project, outcome="第二人的说明", lock_version=str(opened))
    refused = client.post(f"/projects/{project.id}/self-evaluation", data=second)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "绩效自评在您打开后已被他人修改" in page and "第二人的说明" in page
    session.expire_all()
    stored = session.scalar(sa.select(SelfEvaluation).where(SelfEvaluation.project_id == project.id))
    assert stored.outcome == "第一人的说明"
    shown = re.search(r'name="lock_version" type="hidden" value="(\d+)"', page).group(1)
    assert shown == str(stored.lock_version)
    assert (
        client.post(f"/projects/{project.id}/self-evaluation", data={**second, "lock_version": shown}).status_code
        == 302
    )
    session.expire_all()
    assert session.get(SelfEvaluation, stored.id).outcome == "第二人的说明"


def test_the_reviewer_reads_without_a_form(client, login, users, project):
    login(users["reviewer"])
    page = client.get(f"/projects/{project.id}/self-evaluation").get_data(as_text=True)
    assert 'id="evaluation-form"' not in page
    assert 'id="review-panel"' not in page  # nothing submitted yet


def test_saving_stores_the_rows_and_is_audited(client, login, users, project, session):
    login(users["owner"])
    band_row = next(i for i, ind in enumerate(project.indicators) if ind.name == "长期使用性")
    form = page_form(project, **{f"rows-{band_row}-band": "partial", f"rows-{band_row}-band_score": "7"})
    response = client.post(f"/projects/{project.id}/self-evaluation", data=form)
    assert response.status_code == 302
    stored = session.scalar(sa.select(SelfEvaluation).where(SelfEvaluation.project_id == project.id))
    assert stored.outcome == "按计划完成"
    banded = [row for row in stored.rows if row.band]
    assert [(row.band, row.band_score) for row in banded] == [("partial", D("7.00"))]
    assert sorted(row.weight for row in stored.rows) == [D(10)] * 4 + [D("12.50")] * 4
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "self_evaluation.save"))
    assert entry.actor == "t-owner" and entry.changes["长期使用性评价档次"] == [None, "partial 7.00"]


def test_bad_input_is_shown_at_its_field_and_nothing_is_saved(client, login, users, project, session):
    login(users["owner"])
    band_row = next(i for i, ind in enumerate(project.indicators) if ind.name == "长期使用性")
    form = page_form(
        project,
        **{"rows-0-weight": "十二", f"rows-{band_row}-band": "achieved", f"rows-{band_row}-band_score": "5"},
    )
    response = client.post(f"/projects/{project.id}/self-evaluation", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请输入数字" in page and 'value="十二"' in page  # what was typed stays
    assert session.scalar(sa.select(sa.func.count()).select_from(SelfEvaluation)) == 0
    form["rows-0-weight"] = "12.50"
    response = client.post(f"/projects/{project.id}/self-evaluation", data=form)
    assert response.status_code == 422
    assert "“达成年度指标”的得分应不低于 8 且不超过 10" in response.get_data(as_text=True)


def test_another_units_owner_may_not_save(client, login, users, project, session):
    login(users["other_owner"])
    response = client.post(f"/projects/{project.id}/self-evaluation", data=page_form(project))
    assert response.status_code == 403
    assert session.scalar(sa.select(sa.func.count()).select_from(SelfEvaluation)) == 0


def test_submit_is_refused_with_the_reasons_then_signed_off_by_the_reviewer(client, login, users, project, session):
    login(users["owner"])
    band_row = next(i for i, ind in enumerate(project.indicators) if ind.name == "长期使用性")
    form = page_form(project, **{f"rows-{band_row}-band": "achieved", f"rows-{band_row}-band_score": "9"})
    client.post(f"/projects/{project.id}/self-evaluation", data=form)
    refused = client.post(f"/projects/{project.id}/self-evaluation/submit", follow_redirects=True)
    assert "绩效自评还不能提交" in refused.get_data(as_text=True)
    assert "第1行“提供材料比例”未填写实际完成值" in refused.get_data(as_text=True)
    for indicator in project.indicators:
        if indicator.kind == "quantitative":
            set_actual(indicator, indicator.value_text.lstrip("≥≤<>"), date(2024, 12, 31), "t-owner")
    session.commit()
    done = client.post(f"/projects/{project.id}/self-evaluation/submit", follow_redirects=True)
    assert "绩效自评已提交审核" in done.get_data(as_text=True)
    login(users["reviewer"])
    page = client.get(f"/projects/{project.id}/self-evaluation").get_data(as_text=True)
    assert 'id="review-panel"' in page
    url = f"/projects/{project.id}/self-evaluation/sign"
    signed = client.post(url, data={"comment": "同意"}, follow_redirects=True)
    text = signed.get_data(as_text=True)
    assert "绩效自评已审核通过并锁定" in text and "已审核" in text
    assert "第 2 版" in text
    version = client.get(f"/projects/{project.id}/self-evaluation/versions/2")
    assert version.status_code == 200 and "审核通过" in version.get_data(as_text=True)
    assert client.get(f"/projects/{project.id}/self-evaluation/versions/9").status_code == 404


def actual_form(project, values: dict[str, str], as_of="2024-12-31") -> dict:
    data = {"as_of": as_of}
    for index, indicator in enumerate(project.indicators):
        data[f"rows-{index}-indicator_id"] = str(indicator.id)
        data[f"rows-{index}-value"] = values.get(indicator.name, "")
        data[f"rows-{index}-note"] = ""
        data[f"rows-{index}-reason"] = ""
    return data


def test_actual_values_are_entered_on_the_page(client, login, users, project, session):
    login(users["owner"])
    form = actual_form(project, {"提供材料比例": "45%", "项目预算控制数": "275000元", "长期使用性": "平台持续使用"})
    response = client.post(f"/projects/{project.id}/actuals", data=form)
    assert response.status_code == 302
    stored = {row.indicator.name: row for row in session.scalars(sa.select(ActualValue))}
    assert sorted(stored) == ["提供材料比例", "长期使用性", "项目预算控制数"]
    assert (stored["项目预算控制数"].number, stored["项目预算控制数"].unit) == (D("275000"), "元")
    page = client.get(f"/projects/{project.id}/actuals?as_of=2024-12-31").get_data(as_text=True)
    assert 'value="45%"' in page and "45%（2024-12-31 · t-owner）" in page


def test_an_earlier_value_is_shown_but_not_carried_into_the_form(client, login, users, project):
    login(users["owner"])
    client.post(f"/projects/{project.id}/actuals", data=actual_form(project, {"提供材料比例": "20%"}, "2024-07-31"))
    page = client.get(f"/projects/{project.id}/actuals?as_of=2024-12-31").get_data(as_text=True)
    assert "20%（2024-07-31 · t-owner）" in page
    assert re.search(r'id="rows-0-value"[^>]*value=""', page)  # saving 12月31日 does not copy the 7月31日 value


def test_one_bad_actual_value_saves_none(client, login, users, project, session):
    login(users["owner"])
    form = actual_form(project, {"提供材料比例": "45%", "项目预算控制数": "28人"})
    response = client.post(f"/projects/{project.id}/actuals", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "实际完成值的单位“人”与年度指标值的单位“万元”不一致" in page
    assert 'value="28人"' in page
    assert session.scalar(sa.select(sa.func.count()).select_from(ActualValue)) == 0


def test_an_actual_outside_the_budget_year_is_refused(client, login, users, project, session):
    login(users["owner"])
    form = actual_form(project, {"提供材料比例": "45%"}, "2025-01-02")
    response = client.post(f"/projects/{project.id}/actuals", data=form)
    assert response.status_code == 422
    assert "不在 2024 预算年度内" in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(ActualValue)) == 0


def test_others_read_actual_values_but_may_not_enter_them(client, login, users, project):
    login(users["reviewer"])
    page = client.get(f"/projects/{project.id}/actuals")
    assert page.status_code == 200 and 'id="save-actuals"' not in page.get_data(as_text=True)
    assert client.post(f"/projects/{project.id}/actuals", data=actual_form(project, {})).status_code == 403
    login(users["other_owner"])
    assert client.get(f"/projects/{project.id}/actuals").status_code == 403


def test_grade_and_light_explained_on_the_page_when_they_disagree(client, login, users, scored, session):  # noqa: F811
    """良 with 95% spent is green (no note); the same indicators with a third spent are 良 with a red light."""
    project = session.scalar(sa.select(Project).where(Project.code == CODE))
    login(users["reviewer"])
    agreeing = client.get(f"/projects/{project.id}/self-evaluation").get_data(as_text=True)
    assert "良" in agreeing and "绿灯" in agreeing and 'id="grade-note"' not in agreeing
    payment = session.scalar(sa.select(Payment).where(Payment.project_id == project.id))
    payment.amount = D("100000")  # 10 万元 of 28: 35.71%, execution score 3.57
    session.commit()
    page = client.get(f"/projects/{project.id}/self-evaluation").get_data(as_text=True)
    assert re.search(r'id="total-score"><strong>83\.43<', page)
    assert re.search(r'id="grade">良 <span class="light light-red"', page)
    note = re.search(r'id="grade-note">([^<]+)<', page).group(1)
    assert note.startswith("等级“良”按自评得分评定，红灯衡量的是绩效与支出是否相称") and note.count("。") == 1
