"""The 系统设置 page: a refused save keeps what was typed, the preview writes nothing, a test e-mail, export/import."""

import io
import json

import sqlalchemy as sa

from perf.audit.models import AuditEntry
from perf.org.services import default_checkpoints
from perf.settings.models import Setting

TRADING = "13020724P00EL6T100050"
DEFAULT_FORM = {
    "lag_count": "4",
    "lag-0-condition": "planned_zero", "lag-0-level": "green",
    "lag-1-condition": "ratio_below", "lag-1-threshold": "60", "lag-1-level": "red",
    "lag-2-condition": "ratio_below", "lag-2-threshold": "80", "lag-2-level": "yellow",
    "lag-3-condition": "always", "lag-3-level": "green",
    "forecast_shortfall_margin": "10", "reminder_days": "15", "alert_answer_days": "10",
    "deadline_reminder_days": "7",
    "default_checkpoints": "03-31, 06-30, 10-31, 12-31", "target_deadline": "01-31", "midyear_round": "07-31",
    "midyear_deadline": "08-15", "self_evaluation_deadline": "03-31",
    "se-execution_weight": "10", "se-reverse_formula": "linear", "se-over_achievement_pct": "130",
    "se-p2020-0": "50", "se-p2020-1": "30", "se-p2020-2": "10",
    "se-p2021-0": "30", "se-p2021-1": "20", "se-p2021-2": "30", "se-p2021-3": "10",
    "se-band-0-low": "80", "se-band-0-high": "100", "se-band-1-low": "60", "se-band-1-high": "80",
    "se-band-2-low": "0", "se-band-2-high": "60", "se-red_gap_pct": "5", "se-yellow_unspent_pct": "20",
    "se-reverse_over_achievement": "y", "se-level1_sums_fixed": "y",
    "se-grade-0": "90", "se-grade-1": "80", "se-grade-2": "60", "se-grade-3": "0",
    "mail_host": "", "mail_port": "25", "mail_username": "", "mail_password": "", "mail_from": "perf@localhost",
    "webhook_url": "", "webhook_format": "wecom",
}  # fmt: skip


def test_the_page_shows_every_group_and_source(client, login, users):
    login(users["admin"])
    page = client.get("/settings").get_data(as_text=True)
    for text in ("预警规则", "提醒与期限", "绩效自评评分", "邮件与群机器人", "默认", "预览", "发送测试邮件"):
        assert text in page


def test_a_refused_save_names_every_problem_and_keeps_what_was_typed(client, login, users, session):
    login(users["admin"])
    form = {**DEFAULT_FORM, "lag-1-threshold": "六十", "reminder_days": "0", "midyear_round": "13-01",
            "mail_host": "smtp.example.gov.cn"}  # fmt: skip
    answer = client.post("/settings", data=form)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "未保存：3 处问题" in page
    assert "“执行比例低于”须给出 0 到 1000 之间的百分比" in page
    assert 'value="六十"' in page and 'value="13-01"' in page and 'value="smtp.example.gov.cn"' in page
    assert session.scalar(sa.select(sa.func.count()).select_from(Setting)) == 0


def test_a_save_wins_and_says_so(client, login, users, session):
    login(users["admin"])
    answer = client.post("/settings", data={**DEFAULT_FORM, "reminder_days": "20"}, follow_redirects=True)
    assert "已保存 1 项设置" in answer.get_data(as_text=True)
    assert session.get(Setting, "reminder_days").value == 20


def test_the_preview_shows_the_lights_under_the_edited_rules_and_writes_nothing(client, login, users, session, pay):
    pay(TRADING, "2024-05-10", "115150.00")  # ratio 70: yellow now
    login(users["admin"])
    form = {**DEFAULT_FORM, "lag-1-threshold": "90", "lag_count": "4", "as_of": "2024-07-01"}
    form.pop("lag-2-condition")
    page = client.post("/settings/preview", data=form).get_data(as_text=True)
    assert "公共资源交易中心运转经费" in page.split('id="preview-changed"')[1]
    assert session.scalar(sa.select(sa.func.count()).select_from(Setting)) == 0
    result = client.get("/settings").get_data(as_text=True)
    assert 'value="60"' in result  # the saved rules are still the defaults


def test_a_test_email_reaches_the_server_typed_before_saving(client, login, users, session, smtp):
    login(users["admin"])
    form = {**DEFAULT_FORM, "mail_host": "127.0.0.1", "mail_port": str(smtp_port(client)), "channel": "email",
            "test_address": "admin@example.gov.cn"}  # fmt: skip
    page = client.post("/settings/test-message", data=form).get_data(as_text=True)
    assert "测试消息已发送到 admin@example.gov.cn" in page
    assert smtp.to() == ["admin@example.gov.cn"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Setting)) == 0


def smtp_port(client) -> int:
    return client.application.config["MAIL_PORT"]


def test_export_then_import_is_all_or_nothing(client, login, users, session):
    login(users["admin"])
    exported = json.loads(client.get("/settings/export.json").get_data())
    assert exported["settings"]["reminder_days"] == 15 and "mail_password" not in exported["settings"]
    exported["settings"]["reminder_days"] = 5
    exported["settings"]["lag_rules"][1][1] = "很低"
    bad = client.post("/settings/import", data={"file": (io.BytesIO(json.dumps(exported).encode()), "s.json")})
    assert bad.status_code == 422
    assert "滞后灯色规则 第 2 条 第 2 项" in bad.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(Setting)) == 0
    exported["settings"]["lag_rules"][1][1] = "50"
    good = client.post("/settings/import", data={"file": (io.BytesIO(json.dumps(exported).encode()), "s.json")})
    assert good.status_code == 302
    assert session.get(Setting, "reminder_days").value == 5
    assert session.get(Setting, "lag_rules").value[1] == ["ratio_below", "50", "red"]


def test_caps_by_execution_rate_are_saved_from_the_page_and_refused_when_out_of_order(client, login, users, session):
    login(users["admin"])
    caps = {"se-cap-0-below": "80", "se-cap-0-max": "89", "se-cap-1-below": "70", "se-cap-1-max": "79"}
    client.post("/settings", data={**DEFAULT_FORM, **caps})
    assert session.get(Setting, "self_evaluation").value["score_caps"] == [["80", "89"], ["70", "79"]]
    wrong = {"se-cap-0-below": "70", "se-cap-0-max": "79", "se-cap-1-below": "80", "se-cap-1-max": "89"}
    answer = client.post("/settings", data={**DEFAULT_FORM, **wrong})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "封顶规则的执行率须在 0 到 100 之间、从高到低排列" in page and 'name="se-cap-0-below" value="70"' in page


def test_new_budget_years_take_the_saved_checkpoints(client, login, users, session, app):
    login(users["admin"])
    refused = client.post("/settings", data={**DEFAULT_FORM, "default_checkpoints": "06-30, 03-31"})
    assert "时间节点须按日期从早到晚排列" in refused.get_data(as_text=True)
    assert 'value="06-30, 03-31"' in refused.get_data(as_text=True)
    client.post("/settings", data={**DEFAULT_FORM, "default_checkpoints": "6-30，12-31"})
    assert session.get(Setting, "default_checkpoints").value == ["06-30", "12-31"]
    with app.test_request_context():
        assert [d.isoformat() for d in default_checkpoints(2026)] == ["2026-06-30", "2026-12-31"]


def test_a_test_message_reaches_the_group_robot_typed_before_saving(client, login, users, session, webhook):
    login(users["admin"])
    address = client.application.config["WEBHOOK_URL"]
    form = {**DEFAULT_FORM, "webhook_url": address, "channel": "webhook"}
    page = client.post("/settings/test-message", data=form).get_data(as_text=True)
    assert f"测试消息已发送到 {address}" in page
    assert webhook[0]["msgtype"] == "text" and "perf 测试消息" in webhook[0]["text"]["content"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Setting)) == 0


def test_a_test_message_without_a_server_is_refused_in_chinese(client, login, users):
    login(users["admin"])
    answer = client.post("/settings/test-message", data={**DEFAULT_FORM, "channel": "email", "test_address": "a@b.cn"})
    assert answer.status_code == 422
    assert "请先填写邮件服务器地址" in answer.get_data(as_text=True)


def test_the_page_posting_the_defaults_saves_nothing(client, login, users, session):
    login(users["admin"])
    answer = client.post("/settings", data=DEFAULT_FORM, follow_redirects=True)
    assert "设置没有变化" in answer.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(Setting)) == 0


def test_qualitative_bands_must_be_contiguous(client, login, users, session):
    login(users["admin"])
    answer = client.post("/settings", data={**DEFAULT_FORM, "se-band-1-low": "50"})
    assert answer.status_code == 422
    assert "定性档次须从 100% 连续排到 0%" in answer.get_data(as_text=True)


def test_the_qualitative_bands_can_be_renamed_and_keep_their_stored_keys(client, login, users, session):
    login(users["admin"])
    answer = client.post("/settings", data={**DEFAULT_FORM, "se-band-1-label": "基本达成"}, follow_redirects=True)
    assert "已保存 1 项设置" in answer.get_data(as_text=True)
    bands = session.get(Setting, "self_evaluation").value["bands"]
    assert [band[:2] for band in bands] == [
        ["achieved", "达成年度指标"],
        ["partial", "基本达成"],
        ["missed", "未达成且效果较差"],
    ]
    assert 'value="基本达成"' in client.get("/settings").get_data(as_text=True)


def test_a_band_without_a_name_is_refused_and_the_typing_kept(client, login, users, session):
    login(users["admin"])
    answer = client.post("/settings", data={**DEFAULT_FORM, "se-band-0-label": " ", "se-band-1-low": "55"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "定性档次的名称不能为空，最多 20 个字" in page and 'value="55"' in page
    assert session.scalar(sa.select(sa.func.count()).select_from(Setting)) == 0


def test_extra_units_are_saved_from_the_page_audited_and_read_by_the_value_preview(client, login, users, session):
    login(users["admin"])
    asked = {"value": "≥12标段", "level1": "产出指标", "level2": "数量指标"}
    assert client.get("/projects/parse-value", query_string=asked).json["kind"] == "qualitative"
    page = client.get("/settings").get_data(as_text=True)
    assert "补充计量单位" in page and 'id="group-units"' in page
    refused = client.post("/settings", data={**DEFAULT_FORM, "extra_units": "标段, 3人"})
    assert refused.status_code == 422
    assert "计量单位“3人”不能含数字" in refused.get_data(as_text=True)
    assert 'value="标段, 3人"' in refused.get_data(as_text=True)
    assert session.get(Setting, "extra_units") is None
    saved = client.post("/settings", data={**DEFAULT_FORM, "extra_units": "标段，车·日"}, follow_redirects=True)
    assert "已保存 1 项设置" in saved.get_data(as_text=True)
    assert session.get(Setting, "extra_units").value == ["标段", "车·日"]
    assert 'value="标段, 车·日"' in client.get("/settings").get_data(as_text=True)
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "setting.update"))
    assert entry.changes == {"补充计量单位": ["（无）", "标段、车·日"]}
    data = client.get("/projects/parse-value", query_string=asked).json
    assert (data["kind"], data["target"], data["unit"]) == ("quantitative", "12", "标段")
