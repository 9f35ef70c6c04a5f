"""System settings (系统设置): every tunable rule's effective value and where it comes from; partial updates (admin)."""

from flask_login import current_user
from marshmallow import fields

from perf.api.common import IF_MATCH_VERSION, Blueprint, allow, raw_body, version_in_if_match
from perf.auth.permissions import Perm
from perf.fields import Items, Obj, PerfSchema, Text
from perf.settings import services, years

blp = Blueprint("api_settings", __name__, url_prefix="/api/v1/settings", description="系统设置（仅管理员）")

EXAMPLE = {"lag_rules": [["planned_zero", None, "green"], ["ratio_below", "90", "red"], ["always", None, "green"]]}


class SettingsBody(PerfSchema):
    """A partial object keyed by setting name (lag_rules, reminder_days, mail_host …)."""

    class Meta:
        unknown = "include"


class SettingRowSchema(PerfSchema):
    """One setting: its effective value and its source."""

    name = Text(dump_only=True)
    group = Text(dump_only=True, metadata={"description": "分组：预警规则、提醒与期限、绩效自评评分、邮件与群机器人"})
    label = Text(dump_only=True, metadata={"description": "中文名称"})
    source = Text(dump_only=True, metadata={"description": "default 默认 / environment 环境变量 / saved 系统设置"})
    source_label = Text(dump_only=True, metadata={"description": "来源：默认、环境变量或系统设置"})


class SettingsAnswerSchema(PerfSchema):
    """Every setting's effective value, its source, and the settings one by one."""

    values = fields.Dict(dump_only=True, metadata={"description": "设置名 → 生效值"})
    sources = fields.Dict(dump_only=True, metadata={"description": "设置名 → 来源（默认、环境变量、系统设置）"})
    settings = Items(Obj(SettingRowSchema), dump_only=True)


def _answer() -> dict:
    rows = services.effective()
    return {
        "values": services.values(),
        "sources": {**{row["name"]: row["source_label"] for row in rows}, years.NAME: "预算年度"},
        "settings": rows,
    }


@blp.route("", methods=["GET"])
@allow(Perm.ORG_ADMIN)
@blp.response(200, SettingsAnswerSchema)
def get_settings():
    """读取系统设置

    每项设置的生效值及其来源（默认、环境变量或系统设置）：`values` 按设置名给出生效值
    （`year_checkpoints` 为尚未开始的预算年度的时间节点），
    `sources` 给出来源，`settings` 逐项列出分组、中文名称和来源。邮件密码只说明是否已设置。
    ---
    Every setting's effective value and its source (admin only); the ETag is the set's version
    """
    return _answer(), 200, {"ETag": f'"{services.version()}"'}


@blp.route("", methods=["PUT"], parameters=[IF_MATCH_VERSION])
@allow(Perm.ORG_ADMIN)
@raw_body(SettingsBody, example=EXAMPLE)
@blp.response(200, SettingsAnswerSchema)
def put_settings(body):
    """修改系统设置

    提交按设置名组织的部分对象，只修改给出的设置，例如
    `{"lag_rules": [["planned_zero", null, "green"], ["ratio_below", "90", "red"], ["always", null, "green"]]}`。
    保存前逐项校验，有误时返回 422 并指明字段（如 `lag_rules.1.1`），全部不保存；每次修改记入修改记录（修改前后的值）。
    `year_checkpoints`（如 `{"2027": ["03-31", "06-30", "10-31", "12-31"]}`）修改尚未到第一个时间节点的预算年度的
    资金支出计划时间节点；已有项目填写支出计划的年度只能改日期，不能增减节点。
    返回修改后的全部设置，与 GET 相同。可带 `If-Match`（GET 的 ETag）：其间设置已被他人修改时返回 412。
    ---
    Partial update keyed by setting name, validated by one schema, audited (admin only); an If-Match
    naming an older version than the stored set's answers 412
    """
    services.save(current_user.username, body, version_in_if_match())
    return _answer(), 200, {"ETag": f'"{services.version()}"'}
