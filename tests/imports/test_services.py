"""Upload, check, confirm: the dry run writes nothing, the preview says what would change, applying is all or none."""

from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from perf.audit.models import AuditEntry
from perf.errors import RuleError
from perf.imports import services
from perf.projects.queries import project_by_code
from perf.spending.models import Payment
from perf.spending.schemas import PaymentData
from perf.spending.services import add_payment
from tests.imports.conftest import CODE, OTHER, xlsx

ROWS = [
    [CODE, date(2024, 6, 30), 90000, "PZ001", "网络维护费（上半年）"],
    [CODE, "2024/7/15", "8,000.00", "PZ002", "网络维护费（7月）"],
    [OTHER, 45352, "12,345.67", "PZ001", "办公设备"],  # 45352: Excel's serial of 2024-03-01
]


def payments(session) -> list[tuple]:
    return [tuple(r) for r in session.execute(sa.select(Payment.voucher_no, Payment.paid_on, Payment.amount))]


def test_checking_writes_nothing_and_previews_per_project(session, users):
    add_payment(
        project_by_code(CODE, 2024),
        PaymentData(CODE, date(2024, 6, 30), D(90000), "PZ001", note="网络维护费（上半年）"),
        "t",
    )
    before = payments(session)
    record = services.check("payments", "支付.xlsx", xlsx(ROWS), users["reviewer"])
    assert record.status == "checked" and record.progress == 100
    assert record.problems == []
    assert record.summary == {"new": 2, "changed": 0, "unchanged": 1}
    assert payments(session) == before
    by_code = {p["code"]: p for p in record.preview}
    assert by_code[CODE]["new"] == ["凭证号 PZ002：2024-07-15 支付 8,000.00 元"]
    assert by_code[CODE]["unchanged"] == 1
    assert by_code[OTHER]["new"] == ["凭证号 PZ001：2024-03-01 支付 12,345.67 元"]
    assert record.digest and len(record.fingerprint) == 64


def test_applying_writes_everything_once_and_is_audited(session, users):
    record = services.check("payments", "支付.xlsx", xlsx(ROWS), users["reviewer"])
    services.apply(record, users["reviewer"])
    assert record.status == "applied" and record.applied_at is not None
    assert sorted(payments(session)) == [
        ("PZ001", date(2024, 3, 1), D("12345.67")),
        ("PZ001", date(2024, 6, 30), D("90000.00")),
        ("PZ002", date(2024, 7, 15), D("8000.00")),
    ]
    actions = session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "import_record")).all()
    assert sorted(actions) == ["import.apply", "import.check"]
    with pytest.raises(RuleError) as refused:
        services.apply(record, users["reviewer"])
    assert refused.value.kind == "conflict"


def test_a_problem_row_is_named_and_the_file_cannot_be_applied(session, users):
    rows = [*ROWS[:2], [CODE, "2024-13-01", "100", "PZ003", "日期错"]]
    record = services.check("payments", "支付.xlsx", xlsx(rows), users["reviewer"])
    assert [p["where"] for p in record.problems] == ["第6行"]  # title, 单位, header, then rows 4–6
    assert "支付日期" in record.problems[0]["message"]
    with pytest.raises(RuleError) as refused:
        services.apply(record, users["reviewer"])
    assert refused.value.kind == "conflict"
    assert payments(session) == []


def test_data_changed_after_the_check_is_refused(session, users):
    record = services.check("payments", "支付.xlsx", xlsx(ROWS), users["reviewer"])
    add_payment(
        project_by_code(CODE, 2024),
        PaymentData(CODE, date(2024, 7, 15), D(8000), "PZ002", note="网络维护费（7月）"),
        "t",
    )
    with pytest.raises(RuleError) as refused:
        services.apply(record, users["reviewer"])
    assert refused.value.kind == "conflict"
    assert "重新上传" in refused.value.messages[0]
    assert len(payments(session)) == 1


def test_an_owner_is_refused_row_by_row_for_another_units_projects(session, users):
    record = services.check("payments", "支付.xlsx", xlsx(ROWS), users["other_owner"])
    assert [p["where"] for p in record.problems] == ["第4行", "第5行", "第6行"]
    assert record.problems[0]["message"] == f"无权导入项目 {CODE} 的支付记录（不是本单位的项目），该行未导入"
    assert not record.can_apply


def test_the_owner_of_the_unit_may_import_its_payments(session, users):
    record = services.check("payments", "支付.xlsx", xlsx(ROWS), users["owner"])
    assert record.problems == [] and record.can_apply


@pytest.mark.parametrize(
    ("kind", "role", "error_kind", "message"),
    [
        ("targets", "leader", "forbidden", "不能导入绩效目标表（平面表）"),
        ("nonsense", "reviewer", "invalid", "请选择导入的数据类型"),
        ("disclosure", "owner", "forbidden", "不能导入部门预算公开文件"),
        ("payments", "admin", "forbidden", "不能导入支付记录"),
    ],
)
def test_kinds_a_user_may_not_upload_are_refused(session, users, kind, role, error_kind, message):
    with pytest.raises(RuleError) as refused:
        services.check(kind, "x.csv", b"a,b\n1,2\n", users[role])
    assert refused.value.kind == error_kind
    assert message in refused.value.messages[0]


def test_an_unreadable_file_is_a_problem_of_the_file(session, users):
    record = services.check("payments", "x.xlsx", b"PK\x03\x04not really", users["reviewer"])
    assert record.status == "checked"
    assert record.problems[0]["where"] == "文件"


def test_the_sample_disclosure_checks_unchanged_for_its_reviewer(session, users, demo):
    from importlib import resources

    data = resources.files("perf.documents").joinpath("sample/fengnan_approval_bureau_2024.txt").read_bytes()
    record = services.check("disclosure", "公开.txt", data, users["reviewer"])
    assert record.problems == []
    notes = record.summary.pop("notes")
    assert record.summary == {"new": 0, "changed": 0, "unchanged": 7}
    assert notes["warnings"] == [] and notes["budget_tables"][0].startswith("部门预算表：9 张（部门预算收支总表")
    assert "核对 科目逐级汇总：183 处，全部一致" in notes["budget_tables"]
    admin = services.check("disclosure", "公开.txt", data, users["admin"])
    assert admin.summary["unchanged"] == 7


def test_actual_values_preview_their_changes_before_and_after(session, users):
    from perf.actuals.services import set_actual

    project = project_by_code(CODE, 2024)
    first, second = project.indicators[0], project.indicators[1]
    set_actual(first, "41%", date(2024, 6, 30), "t")
    header = ["项目编码", "一级指标", "三级指标", "实际完成值", "日期"]
    rows = [
        [CODE, first.level1, first.name, "45%", "2024-06-30"],
        [CODE, second.level1, second.name, "80%", "2024-06-30"],
    ]
    record = services.check("actuals", "实际.xlsx", xlsx(rows, header=header), users["owner"])
    assert record.problems == [], record.problems
    assert record.summary == {"new": 1, "changed": 1, "unchanged": 0}
    (entry,) = record.preview
    assert entry["changed"] == [f"{first.name}（2024-06-30）：41% → 45%"]
    assert entry["new"] == [f"{second.name}（2024-06-30）：80%"]


def test_an_upload_that_breaks_a_reader_is_failed_not_a_500(session, users, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("reader broke")

    monkeypatch.setattr(services, "import_payments", broken)
    record = services.check("payments", "支付.xlsx", xlsx(ROWS), users["reviewer"])
    assert record.status == "failed"
    assert "检查文件时出错" in record.problems[0]["message"]
    with pytest.raises(RuleError):
        services.apply(record, users["reviewer"])


def _sample() -> str:
    from importlib import resources

    return resources.files("perf.documents").joinpath("sample/fengnan_approval_bureau_2024.txt").read_text("utf-8")


def test_a_disclosure_whose_table_differs_previews_the_project_as_changed_and_overwrites_it(session, users):
    text = _sample().replace("为新开办企业提供印章免费刻制服务。每套", "为全区新开办企业提供印章免费刻制服务。每套")
    record = services.check("disclosure", "公开.txt", text.encode(), users["reviewer"])
    assert record.problems == []
    rows = {"kept": 8, "changed": 0, "dropped": 0, "added": 0}  # only the header differs: every indicator stays
    assert {k: v for k, v in record.summary.items() if k != "notes"} == {
        "new": 0,
        "changed": 1,
        "unchanged": 6,
        "indicators": rows,
    }
    (changed,) = [p for p in record.preview if p["changed"]]
    assert changed["code"] == OTHER and changed["changed"][0].startswith("以文件覆盖现有的绩效目标表")
    assert "为全区新开办企业" not in project_by_code(OTHER, 2024).purpose
    services.apply(record, users["reviewer"])
    session.expire_all()
    assert "为全区新开办企业" in project_by_code(OTHER, 2024).purpose


def test_a_disclosure_of_another_department_is_refused_for_its_reviewer(session, users):
    other = users["reviewer"].department
    other.code = "999"  # the reviewer now reviews another department
    record = services.check("disclosure", "公开.txt", _sample().encode(), users["reviewer"])
    assert record.problems == [{"where": "文件", "message": "文件是部门 306 的预算公开文件，不是您审核的部门"}]


def test_a_file_that_says_its_amounts_are_in_wan_is_refused_at_its_unit_line(session, users):
    record = services.check("payments", "支付.xlsx", xlsx(ROWS, unit="单位：万元"), users["reviewer"])
    assert record.problems[0] == {
        "where": "第2行",
        "message": "表头上方注明“单位：万元”，但“金额（元）”列按元读取：请把金额换算为元后重新导入",
    }
