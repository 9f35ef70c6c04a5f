"""How the audit log reads on a page: a Chinese label for every action, the actor's name, Chinese fields and values.

What is stored (action codes such as ``project.submit``, user names, ``cli``) stays as it is: the
API's ``/api/v1/audit`` returns it as a contract. Only pages translate, through this module.
tests/audit/test_labels.py fails when an action perf writes has no label here.
"""

import re
from collections.abc import Callable, Mapping

from perf.numbers import grouped, to_decimal

#: Every action perf records, by code, as the 修改记录 page names it.
ACTION_LABELS: dict[str, str] = {
    # the 绩效目标表
    "project.create": "新建绩效目标表",
    "project.update": "修改绩效目标表",
    "project.import": "导入绩效目标表",
    "project.replace": "以文件覆盖绩效目标表",
    "project.delete": "删除草稿",
    "project.nudge": "催办",
    "project.submit": "提交审核",
    "project.withdraw": "撤回提交",
    "project.return": "退回修改",
    "project.approve": "批复",
    "project.adjust": "申请调整",
    # background jobs
    "job.start": "启动后台任务",
    # the self-evaluation
    "self_evaluation.save": "填报绩效自评",
    "self_evaluation.submit": "提交绩效自评",
    "self_evaluation.withdraw": "撤回绩效自评",
    "self_evaluation.return": "退回绩效自评",
    "self_evaluation.sign": "绩效自评审核通过",
    "self_evaluation.reopen": "重新打开绩效自评",
    # payments, actual values, the mid-year round, alerts
    "payment.add": "新增支付",
    "payment.import": "导入支付",
    "payment.correct": "更正支付",
    "payment.delete": "删除支付",
    "actual.set": "填报实际完成值",
    "midyear.set": "填报绩效运行监控",
    "alert.answer": "说明预警",
    "alert.send_back": "退回预警说明",
    "alert.close": "关闭预警",
    # users, tokens, documents
    "user.create": "新建用户",
    "user.update": "修改用户",
    "user.password": "修改密码",
    "user.login": "登录",
    "user.login_failed": "登录失败",
    "user.login_locked": "账户登录锁定",
    "address.login_failed": "登录失败（按地址）",
    "address.login_locked": "地址登录锁定",
    "address.token_failed": "API 令牌无效（按地址）",
    "address.token_locked": "地址 API 锁定",
    "user.logout": "退出登录",
    "api_token.create": "创建 API 令牌",
    "api_token.revoke": "吊销 API 令牌",
    "disclosure.import": "导入部门预算公开文件",
    # settings
    "setting.update": "修改系统设置",
    "year.checkpoints": "修改预算年度时间节点",
    # uploads (导入数据)
    "import.check": "上传并检查导入文件",
    "import.apply": "确认导入",
}
#: Actors that are no person: the command line and the scheduler's jobs.
SYSTEM_ACTORS = {"cli": "系统（命令行）", "scheduler": "系统（定时任务）"}
#: Change fields stored under a code (the user form's fields); every other field is stored in Chinese.
FIELD_LABELS = {
    "username": "用户名",
    "display_name": "姓名",
    "role": "角色",
    "units": "单位",
    "department": "部门",
    "active": "启用",
    "email": "电子邮箱",
    "notify_email": "邮件通知",
    "digest": "每日汇总",
    "password": "密码",
}
#: Money fields whose name does not say the unit (the table's amounts, the self-evaluation's), with it.
MONEY_FIELDS = {"预算数": "万元", "财政资金": "万元", "其他资金": "万元", "全年预算数": "万元", "上年结转资金": "万元"}
#: A field that names its unit: 金额（元）.
_UNIT_IN_NAME = re.compile(r"[（(]万?元[)）]$")
#: An amount in a stored sentence: "新增支付 凭证号 PZ001，98000.00 元".
_AMOUNT_IN_TEXT = re.compile(r"(?<![\d.,])(-?\d+(?:\.\d+)?)(?= ?万?元)")
OTHER_ACTION = "其他操作"
NOTHING = "（无）"
WHOLE = "（整张表，内容略）"

#: (field-name ending, words): a stored code in such a field's values → its Chinese name.
#: Rooms register their own (the self-evaluation's 评价档次 bands), so this room imports none of them.
_WORDS: list[tuple[str, Callable[[], Mapping[str, str]]]] = []


def value_words(field_suffix: str):
    """Register ``provider() -> {code: 中文}`` for the values of fields whose name ends with ``field_suffix``."""

    def register(provider: Callable[[], Mapping[str, str]]) -> Callable[[], Mapping[str, str]]:
        _WORDS.append((field_suffix, provider))
        return provider

    return register


def action_label(code: str) -> str:
    """The Chinese name of an action code (``project.submit`` -> 提交审核)."""
    return ACTION_LABELS.get(code, OTHER_ACTION)


def actor_label(actor: str, names: Mapping[str, str]) -> str:
    """Who, as a person reads it: the user's 姓名 (``names``: username -> 姓名), the system, or the user name."""
    if actor in SYSTEM_ACTORS:
        return SYSTEM_ACTORS[actor]
    return names.get(actor) or actor


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


def summary_text(summary: str) -> str:
    """A stored summary with its amounts grouped (…，98,000.00 元)."""
    return _AMOUNT_IN_TEXT.sub(lambda match: grouped(to_decimal(match.group(1))), summary or "")


def value_text(field: str, value) -> str:
    """A stored before/after value as text: 是/否, （无）, money grouped, a whole table summarised, codes in Chinese."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict | list):
        return WHOLE
    text = str(value)
    amount = to_decimal(text) if field in MONEY_FIELDS or _UNIT_IN_NAME.search(field) else None
    if amount is not None:
        unit = MONEY_FIELDS.get(field)
        return f"{grouped(amount)} {unit}" if unit else grouped(amount)
    for suffix, provider in _WORDS:
        if field.endswith(suffix):
            code, space, rest = text.partition(" ")
            words = provider()
            if code in words:
                return f"{words[code]}{space}{rest}"
    return text
