"""One schema per setting: what a saved value must be, with Chinese messages keyed by field path.

``SETTINGS`` lists every setting in the order the 系统设置 page shows it, with its group and label;
``SettingsSchema`` loads a partial object keyed by setting name (the API's PUT, the page, the import
file), so a wrong value is refused when it is saved, never discovered at the next scan.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from marshmallow import ValidationError, fields, validate, validates_schema

from perf.evaluation.settings import settings_from_config
from perf.fields import CHINESE, Choice, Flag, Int, PerfSchema, Text
from perf.numbers import plain
from perf.projects.indicator_value import compact_value, unit_problem

LAG_CONDITIONS = {"planned_zero": "尚无计划支出", "ratio_below": "执行比例低于", "always": "其余情况"}
LAG_LEVELS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}
WEBHOOK_FORMATS = {"wecom": "企业微信", "dingtalk": "钉钉", "json": "通用 JSON"}
REVERSE_FORMULAS = {"linear": "线性扣分", "ratio": "目标值 ÷ 实际值"}
GROUPS = ("预警规则", "提醒与期限", "绩效自评评分", "邮件与群机器人", "指标值")
#: At most this many extra units (系统设置 extra_units).
MAX_EXTRA_UNITS = 100
_MONTH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})")


class LagRules(fields.Field):
    """The lag rules, first match wins: ``[[condition, threshold, level], …]``, the last one "always"."""

    default_error_messages = CHINESE

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list) or not value:
            raise ValidationError("应为至少一条规则的列表")
        problems: dict = {}
        rules = [self._rule(item, problems.setdefault(i, {})) for i, item in enumerate(value)]
        if rules[-1] and rules[-1][0] != "always" and not problems.get(len(value) - 1):
            problems[len(value) - 1][0] = ["最后一条规则须为“其余情况”，保证每个项目都有灯色"]
        problems = {i: found.get("", found) for i, found in problems.items() if found}
        if problems:
            raise ValidationError(problems)
        return rules

    @staticmethod
    def _rule(item, problems: dict) -> list | None:
        if not isinstance(item, list | tuple) or len(item) != 3:
            problems[""] = ["每条规则应为 [条件, 阈值, 灯色] 三项"]
            return None
        condition, threshold, level = item
        condition, level = (value if isinstance(value, str) else "" for value in (condition, level))
        if condition not in LAG_CONDITIONS:
            problems[0] = ["条件应为以下之一：" + "、".join(LAG_CONDITIONS.values())]
        if level not in LAG_LEVELS:
            problems[2] = ["灯色应为绿灯、黄灯或红灯"]
        if condition == "ratio_below":
            value = _decimal(threshold)
            if value is None or not 0 < value <= 1000:
                problems[1] = ["“执行比例低于”须给出 0 到 1000 之间的百分比，如 80"]
            else:
                threshold = plain(value)
        elif threshold is not None:
            problems[1] = ["此条件不需要阈值，请留空"]
        return None if problems else [condition, threshold if condition == "ratio_below" else None, level]

    def _serialize(self, value, attr, obj, **kwargs):
        return [[c, None if t is None else str(t), lv] for c, t, lv in value]


class MonthDay(Text):
    """A month-day that exists in every year ("07-31"; 02-29 is refused)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        match = _MONTH_DAY.fullmatch(text)
        try:
            month, day = int(match.group(1)), int(match.group(2))
            date(2023, month, day)
        except (AttributeError, ValueError):
            raise ValidationError("应为“月-日”，如 07-31（不可为 02-29）") from None
        return f"{month:02d}-{day:02d}"


class Checkpoints(fields.Field):
    """The checkpoints a new budget year gets: month-days in order ("03-31", "06-30", …), at most 12."""

    default_error_messages = CHINESE

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [part for part in re.split(r"[,，、\s]+", value) if part]
        if not isinstance(value, list) or not 1 <= len(value) <= 12:
            raise ValidationError("应为 1 到 12 个“月-日”，如 03-31, 06-30, 10-31, 12-31")
        days = []
        for i, item in enumerate(value):
            match = _MONTH_DAY.fullmatch(str(item).strip())
            try:
                days.append(date(2023, int(match.group(1)), int(match.group(2))))
            except (AttributeError, ValueError):
                raise ValidationError(f"第 {i + 1} 个时间节点“{item}”应为“月-日”，如 06-30") from None
        if days != sorted(set(days)):
            raise ValidationError("时间节点须按日期从早到晚排列，且不重复")
        return [f"{day.month:02d}-{day.day:02d}" for day in days]

    def _serialize(self, value, attr, obj, **kwargs):
        return [item if isinstance(item, str) else f"{item[0]:02d}-{item[1]:02d}" for item in value or ()]


class Units(fields.Field):
    """Extra units of measure for the 指标值 parser: a list of 1–10 character units (or one comma-separated
    text, as the page posts it); no digits, comparators or 以上/以下. Kept compact, duplicates dropped."""

    default_error_messages = CHINESE

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [part for part in re.split(r"[,，、;；\s]+", value) if part]
        if not isinstance(value, list) or len(value) > MAX_EXTRA_UNITS:
            raise ValidationError(f"应为计量单位的列表（最多 {MAX_EXTRA_UNITS} 个），以逗号分隔，如 人·次, 元/人·周")
        problems = []
        units: list[str] = []
        for i, item in enumerate(value):
            problem = unit_problem(item) if isinstance(item, str) else "应为一段文字"
            if problem:
                problems.append(f"第 {i + 1} 个单位：{problem}")
            elif compact_value(item) not in units:
                units.append(compact_value(item))
        if problems:
            raise ValidationError(problems)
        return units

    def _serialize(self, value, attr, obj, **kwargs):
        return list(value or ())


class Points(fields.Field):
    """Percentage points 0–100 with at most two decimals, kept as a string ("10", "7.5")."""

    default_error_messages = CHINESE

    def _deserialize(self, value, attr, data, **kwargs):
        number = _decimal(value)
        if number is None or not 0 <= number <= 100 or number != number.quantize(Decimal("0.01")):
            raise ValidationError("应为 0 到 100 之间的数，最多两位小数")
        return str(number)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class WebhookUrl(Text):
    """An http(s) address, or empty (no group robot)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if text and not re.fullmatch(r"https?://\S+", text):
            raise ValidationError("应为以 http:// 或 https:// 开头的地址，或留空")
        return text


class SelfEvaluation(fields.Field):
    """The self-evaluation scoring (perf/evaluation/settings.py), checked as a whole when saved."""

    default_error_messages = CHINESE
    #: The scoring's own rule -> (the key it concerns, what the admin is told).
    RULES = (
        ("execution_weight must be between", "execution_weight", "预算执行率分值应大于 0、小于 100"),
        ("points_2020 must sum", "points_2020", "各一级指标分值之和须等于 100 减预算执行率分值"),
        ("points_2021 must sum", "points_2021", "各一级指标分值之和须等于 100 减预算执行率分值"),
        ("points_2020 must name", "points_2020", "每个一级指标只能出现一次"),
        ("points_2021 must name", "points_2021", "每个一级指标只能出现一次"),
        ("reverse_formula", "reverse_formula", "反向指标公式应为 linear（线性扣分）或 ratio（目标值 ÷ 实际值）"),
        ("band labels", "bands", "定性档次的名称不能为空，最多 20 个字"),
        ("band", "bands", "定性档次须从 100% 连续排到 0%，名称不重复"),
        ("grade", "grade_bands", "等级分数线须从高到低排列，最后一档从 0 分起"),
        ("score_caps", "score_caps", "封顶规则的执行率须在 0 到 100 之间、从高到低排列，最高分不超过 100"),
        ("over_achievement_pct", "over_achievement_pct", "超额完成比例须大于 100"),
        ("execution_weight", "execution_weight", "预算执行率分值应为 0 到 100 之间的数，最多两位小数"),
        ("points_2020", "points_2020", "一级指标分值应为不小于 0 的数，最多两位小数"),
        ("points_2021", "points_2021", "一级指标分值应为不小于 0 的数，最多两位小数"),
        ("red_gap_pct", "red_gap_pct", "应为不小于 0 的数"),
        ("yellow_unspent_pct", "yellow_unspent_pct", "应为不小于 0 的数"),
        ("unknown self-evaluation setting", "", "含有不认识的评分设置"),
    )

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError("应为一个对象（键值对）")
        try:
            settings_from_config(value)
        except (ValueError, TypeError, InvalidOperation, ArithmeticError) as error:
            text = str(error)
            for start, key, message in self.RULES:
                if start in text:
                    raise ValidationError({key: [message]} if key else message) from None
            raise ValidationError("数值有误：分值和百分比应为数字") from None
        return value


@dataclass(frozen=True)
class Spec:
    """One setting as the page shows it."""

    name: str
    group: str
    label: str
    help: str = ""
    secret: bool = False

    @property
    def config_key(self) -> str:
        """Its key in the configuration (and PERF_<key> in the environment)."""
        return self.name.upper()


SETTINGS = (
    Spec("lag_rules", GROUPS[0], "滞后灯色规则", "按顺序判断，第一条符合的规则决定灯色；执行比例 = 实际 ÷ 计划 × 100"),
    Spec(
        "forecast_shortfall_margin",
        GROUPS[0],
        "年底预计执行偏差提示（百分点）",
        "绿灯项目预计年底执行率低于 100% 超过此值时提示",
    ),
    Spec("reminder_days", GROUPS[1], "时间节点前提醒（天）", "项目负责人在未达到的时间节点前多少天收到提醒"),
    Spec("alert_answer_days", GROUPS[1], "预警说明期限（天）", "预警多少天未说明即提醒，两倍天数后上报"),
    Spec("deadline_reminder_days", GROUPS[1], "截止日前提醒（天）"),
    Spec(
        "default_checkpoints",
        GROUPS[1],
        "新预算年度的时间节点（月-日）",
        "尚未建立的预算年度导入时采用；以逗号分隔，如 03-31, 06-30",
    ),
    Spec("target_deadline", GROUPS[1], "目标申报截止（月-日）"),
    Spec("midyear_round", GROUPS[1], "绩效运行监控时点（月-日）"),
    Spec("midyear_deadline", GROUPS[1], "监控填报截止（月-日）"),
    Spec("self_evaluation_deadline", GROUPS[1], "绩效自评截止（次年月-日）"),
    Spec(
        "self_evaluation",
        GROUPS[2],
        "自评评分规则",
        "预算执行率分值、一级指标分值、反向指标公式、定性档次、等级分数线等",
    ),
    Spec(
        "extra_units",
        GROUPS[4],
        "补充计量单位",
        "指标值中数字后的文字须是计量单位才算定量指标（如 7人、≤28万元）；系统已内置常见单位，"
        "这里可补充本地用到的其他单位，以逗号分隔，每个 1 到 10 个字，不含数字和比较符号",
    ),
    Spec("mail_host", GROUPS[3], "邮件服务器地址", "留空则只在站内消息中提醒"),
    Spec("mail_port", GROUPS[3], "邮件服务器端口"),
    Spec("mail_username", GROUPS[3], "邮件登录名"),
    Spec("mail_password", GROUPS[3], "邮件登录密码", "不显示；留空则保持原值", secret=True),
    Spec("mail_use_tls", GROUPS[3], "使用 STARTTLS 加密"),
    Spec("mail_use_ssl", GROUPS[3], "使用 SSL 加密连接"),
    Spec("mail_from", GROUPS[3], "发件人地址"),
    Spec("webhook_url", GROUPS[3], "群机器人地址", "企业微信或钉钉群机器人的 Webhook 地址；留空则不发送"),
    Spec("webhook_format", GROUPS[3], "群机器人类型"),
)
BY_NAME = {spec.name: spec for spec in SETTINGS}


class SettingsSchema(PerfSchema):
    """Every setting, by name; load with ``partial=True`` for a partial object."""

    lag_rules = LagRules(required=True)
    forecast_shortfall_margin = Points(required=True)
    reminder_days = Int(required=True, minimum=1, maximum=365)
    alert_answer_days = Int(required=True, minimum=1, maximum=365)
    deadline_reminder_days = Int(required=True, minimum=1, maximum=365)
    default_checkpoints = Checkpoints(required=True)
    target_deadline = MonthDay(required=True)
    midyear_round = MonthDay(required=True)
    midyear_deadline = MonthDay(required=True)
    self_evaluation_deadline = MonthDay(required=True)
    self_evaluation = SelfEvaluation(required=True)
    extra_units = Units(required=True)
    mail_host = Text(max_length=200, required=True)
    mail_port = Int(required=True, minimum=1, maximum=65535)
    mail_username = Text(max_length=200, required=True)
    mail_password = Text(max_length=200, required=True)
    mail_use_tls = Flag(required=True)
    mail_use_ssl = Flag(required=True)
    mail_from = Text(
        max_length=200, required=True, validate=[validate.Email(error="应为电子邮件地址，如 perf@example.gov.cn")]
    )
    webhook_url = WebhookUrl(max_length=500, required=True)
    webhook_format = Choice(tuple(WEBHOOK_FORMATS), required=True)

    @validates_schema
    def _one_encryption(self, data, **kwargs):
        if data.get("mail_use_tls") and data.get("mail_use_ssl"):
            raise ValidationError("STARTTLS 与 SSL 只能选一种", "mail_use_ssl")


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
