"""The settings schema, table-driven: what each setting accepts (as it is stored) and where a refusal is named."""

import pytest

from perf.errors import RuleError
from perf.settings.services import load


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ({"lag_rules": [["ratio_below", 90, "red"], ["always", None, "green"]]},
         {"lag_rules": [["ratio_below", "90", "red"], ["always", None, "green"]]}),
        ({"lag_rules": [["ratio_below", "85.50", "yellow"], ["always", None, "green"]]},
         {"lag_rules": [["ratio_below", "85.5", "yellow"], ["always", None, "green"]]}),
        ({"midyear_round": "7-31"}, {"midyear_round": "07-31"}),
        ({"reminder_days": "20"}, {"reminder_days": 20}),
        ({"forecast_shortfall_margin": 7.5}, {"forecast_shortfall_margin": "7.5"}),
        ({"default_checkpoints": "6-30, 12-31"}, {"default_checkpoints": ["06-30", "12-31"]}),
        ({"webhook_url": ""}, {"webhook_url": ""}),
        ({"mail_password": ""}, {}),  # a blank password keeps the one there is
        ({"self_evaluation": {"reverse_formula": "ratio"}}, {"self_evaluation": {"reverse_formula": "ratio"}}),
        ({"extra_units": "标段, 车·日，盏、 座次 "}, {"extra_units": ["标段", "车·日", "盏", "座次"]}),
        ({"extra_units": ["ｍｕ", " 标 段 ", "标段"]}, {"extra_units": ["mu", "标段"]}),
        ({"extra_units": ""}, {"extra_units": []}),
        ({"extra_units": []}, {"extra_units": []}),
    ],
)  # fmt: skip
def test_what_a_setting_accepts(app, given, stored):
    assert load(given) == stored


@pytest.mark.parametrize(
    ("given", "path", "message"),
    [
        ({"lag_rules": []}, "lag_rules", "应为至少一条规则的列表"),
        ({"lag_rules": [["ratio_below", None, "red"], ["always", None, "green"]]}, "lag_rules.0.1", "须给出"),
        ({"lag_rules": [["always", "5", "green"]]}, "lag_rules.0.1", "此条件不需要阈值"),
        ({"lag_rules": [["sometimes", None, "green"], ["always", None, "green"]]}, "lag_rules.0.0", "条件应为"),
        ({"lag_rules": [["always", None, "green", 1]]}, "lag_rules.0", "三项"),
        ({"lag_rules": [[{}, [], []], ["always", None, "green"]]}, "lag_rules.0.2", "灯色应为"),
        ({"lag_rules": [["ratio_below", "60", "red"]]}, "lag_rules.0.0", "最后一条规则须为“其余情况”"),
        ({"alert_answer_days": 366}, "alert_answer_days", "应在 1 到 365 之间"),
        ({"target_deadline": "02-29"}, "target_deadline", "不可为 02-29"),
        ({"default_checkpoints": "12-31, 06-30"}, "default_checkpoints", "从早到晚"),
        ({"forecast_shortfall_margin": "101"}, "forecast_shortfall_margin", "0 到 100"),
        ({"mail_port": 0}, "mail_port", "应在 1 到 65535 之间"),
        ({"mail_from": "nobody"}, "mail_from", "电子邮件地址"),
        ({"mail_use_tls": True, "mail_use_ssl": True}, "mail_use_ssl", "只能选一种"),
        ({"webhook_format": "slack"}, "webhook_format", "应为以下之一"),
        ({"self_evaluation": {"reverse_formula": "cubic"}}, "self_evaluation.reverse_formula", "反向指标公式"),
        ({"self_evaluation": {"red_gap_pct": "-1"}}, "self_evaluation.red_gap_pct", "不小于 0"),
        ({"self_evaluation": {"execution_weight": "x"}}, "self_evaluation", "数值有误"),
        ({"self_evaluation": {"score_caps": [["70", "79"], ["80", "89"]]}}, "self_evaluation.score_caps", "从高到低"),
        ({"self_evaluation": {"colour": "red"}}, "self_evaluation", "不认识的评分设置"),
        ({"extra_units": "标段, 2人"}, "extra_units", "第 2 个单位：计量单位“2人”不能含数字"),
        ({"extra_units": ["≥人"]}, "extra_units", "不能含比较符号或比较词"),
        ({"extra_units": ["标段以上"]}, "extra_units", "不能含比较符号或比较词"),
        ({"extra_units": ["一二三四五六七八九十壹"]}, "extra_units", "1 到 10 个字"),
        ({"extra_units": ["人!"]}, "extra_units", "只能由文字"),
        ({"extra_units": [5]}, "extra_units", "应为一段文字"),
        ({"extra_units": 5}, "extra_units", "应为计量单位的列表"),
        ({"extra_units": ["标"] * 101}, "extra_units", "最多 100 个"),
    ],
)  # fmt: skip
def test_a_refusal_names_its_field_in_chinese(app, given, path, message):
    with pytest.raises(RuleError) as refused:
        load(given)
    assert path in refused.value.errors, refused.value.errors
    assert message in " ".join(refused.value.errors[path])
