"""The audit log in Chinese: every action perf writes has a label, actors read as people, values as words."""

import ast
from pathlib import Path

import pytest

# the two workflows register themselves (and the self-evaluation its 评价档次 words)
import perf.evaluation.workflow
import perf.review.workflow  # noqa: F401
from perf.audit import labels
from perf.workflow.engine import WORKFLOWS

PERF = Path(__file__).resolve().parents[2] / "perf"


def _called(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)


def _action_parameters(trees) -> tuple[dict[str, int], set[str]]:
    """Functions with a parameter named ``action`` (and ``record``): its position; the literal defaults."""
    position: dict[str, int] = {"record": 1}
    defaults: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and "action" in (names := [arg.arg for arg in node.args.args]):
                position[node.name] = names.index("action")
                given = dict(zip(reversed(names), reversed(node.args.defaults), strict=False)).get("action")
                if isinstance(given, ast.Constant):
                    defaults.add(given.value)
    return position, defaults


def _passed(node: ast.Call, index: int) -> list[ast.expr]:
    return [kw.value for kw in node.keywords if kw.arg == "action"] + node.args[index : index + 1]


def written_actions() -> tuple[set[str], list[str]]:
    """Every action code perf passes to ``record`` (directly or through an ``action`` parameter), and f-string sites."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in PERF.rglob("*.py")}
    position, codes = _action_parameters(trees.values())
    formatted = []
    for path, tree in trees.items():
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and _called(node) in position]
        for value in (value for call in calls for value in _passed(call, position[_called(call)])):
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                codes.add(value.value)
            elif isinstance(value, ast.JoinedStr):
                formatted.append(str(path.relative_to(PERF)))
    for workflow in WORKFLOWS.values():  # the engine writes f"{audit_prefix}.{step}"
        codes |= {f"{workflow.audit_prefix}.{transition.step}" for transition in workflow.transitions}
    return codes, formatted


def test_every_action_perf_writes_has_a_chinese_label():
    codes, formatted = written_actions()
    assert formatted == ["workflow/engine.py"], "an action built from a format string: add its codes here"
    # the collection finds each way an action is written: record(), a default, a passed code, a workflow step
    assert {"alert.close", "payment.add", "payment.import", "project.replace", "project.submit"} <= codes
    assert {"self_evaluation.sign"} <= codes
    missing = sorted(code for code in codes if code not in labels.ACTION_LABELS)
    assert missing == [], f"add a label to perf/audit/labels.py for {missing}"
    stale = sorted(code for code in labels.ACTION_LABELS if code not in codes)
    assert stale == [], f"perf no longer writes {stale}"


def test_labels_are_chinese():
    for label in labels.ACTION_LABELS.values():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in label), label


@pytest.mark.parametrize(
    ("actor", "shown"),
    [
        ("t-owner", "本级负责人"),  # a user's 姓名
        ("no-name", "no-name"),  # a user without one: the user name
        ("cli", "系统（命令行）"),
        ("scheduler", "系统（定时任务）"),
    ],
)
def test_actors_read_as_people(actor, shown):
    assert labels.actor_label(actor, {"t-owner": "本级负责人", "no-name": ""}) == shown


def test_an_unknown_action_never_shows_its_code():
    assert labels.action_label("project.submit") == "提交审核"
    assert labels.action_label("something.new") == "其他操作"


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("项目名称", "业务培训经费", "业务培训经费"),
        ("项目名称", None, "（无）"),
        ("摘要", "", "（无）"),
        ("active", True, "是"),
        ("digest", False, "否"),
        ("绩效目标表", {"code": "X", "indicators": []}, "（整张表，内容略）"),
        ("群众满意度评价档次", "partial 9.00", "部分达成并具有一定效果 9.00"),
        ("群众满意度评价档次", "achieved 10.00", "达成年度指标 10.00"),
        ("群众满意度偏差原因", "partial", "partial"),  # the words are the 评价档次 field's only
        ("金额（元）", "123456.78", "123,456.78"),
        ("金额（元）", "-1500.00", "-1,500.00"),  # a refund
        ("预算数", "1231.5", "1,231.50 万元"),
        ("全年预算数", "28.00", "28.00 万元"),
        ("凭证号", "20240001", "20240001"),  # not money
    ],
)
def test_values_read_as_words(app, field, value, shown):
    with app.app_context():  # the bands are the app's configured ones
        assert labels.value_text(field, value) == shown


def test_code_fields_have_chinese_names():
    assert labels.field_label("display_name") == "姓名" and labels.field_label("状态") == "状态"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("新增支付 凭证号 PZ001，98000.00 元", "新增支付 凭证号 PZ001，98,000.00 元"),
        ("删除支付 凭证号 PZ001，-1500.00 元", "删除支付 凭证号 PZ001，-1,500.00 元"),
        ("预算 1231.5万元", "预算 1,231.50万元"),
        ("已是 1,000.00 元", "已是 1,000.00 元"),
        ("提交绩效自评 13020724P00X4BL10005W（89.36 分）", "提交绩效自评 13020724P00X4BL10005W（89.36 分）"),
        ("", ""),
    ],
)
def test_amounts_in_summaries_are_grouped(stored, shown):
    assert labels.summary_text(stored) == shown
