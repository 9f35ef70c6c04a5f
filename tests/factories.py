"""Plain data the suite builds objects from: a 绩效目标表 as a person enters it."""

import html as html_module
import re
from decimal import Decimal

#: (一级, 二级, 三级, 指标值) of a valid six-row table.
SIX_ROWS = [
    ("产出指标", "数量指标", "培训人数", "≥200人"),
    ("产出指标", "质量指标", "培训合格率", "≥95%"),
    ("产出指标", "时效指标", "按期完成率", "100%"),
    ("产出指标", "成本指标", "培训成本", "≤10万元"),
    ("效益指标", "社会效益指标", "业务能力提升", "有效提升"),
    ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%"),
]


def target_table(code: str, name: str = "测试", total="10", fiscal=None, other="0", plan=(20, 50, 80, 100), rows=None):
    """A 绩效目标表 as entered: the header, one percent per checkpoint and the rows (six valid ones by default)."""
    rows = SIX_ROWS if rows is None else rows
    return {
        "code": code,
        "name": name,
        "total": str(total),
        "fiscal": str(total if fiscal is None else fiscal),
        "other": str(other),
        "spend_plan": [str(Decimal(p)) for p in plan],
        "indicators": [
            {"level1": level1, "level2": level2, "name": name, "value": value, "basis": "台账"}
            for level1, level2, name, value in rows
        ],
    }


def posted_fields(page: str, form_id: str) -> dict[str, str]:
    """What the browser would post from the form ``id=form_id`` of ``page`` as it stands (its inputs'
    names and values, as rendered: hidden versions included; unticked boxes and buttons left out)."""
    form = page.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0]
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        attributes = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))
        if "name" not in attributes or attributes.get("type") in ("submit", "button", "file"):
            continue
        if attributes.get("type") in ("checkbox", "radio") and " checked" not in tag:
            continue
        fields[attributes["name"]] = html_module.unescape(attributes.get("value", ""))
    for name, body in re.findall(r'<textarea\b[^>]*name="([^"]*)"[^>]*>(.*?)</textarea>', form, re.S):
        body = body[2:] if body.startswith("\r\n") else body.removeprefix("\n")  # as a browser reads it
        fields[name] = html_module.unescape(body)
    return fields


def project_form_data(unit_id, code: str = "13020724P00TEST0001", **changes) -> dict:
    """A valid new 绩效目标表 as the /projects/new form posts it (six rows, the 2024 checkpoints), with ``changes``."""
    data = {
        "code": code,
        "name": "业务培训经费",
        "unit_id": str(unit_id),
        "total": "10.00",
        "fiscal": "8.00",
        "other": "2.00",
        "purpose": "举办业务培训两期。",
        "goal": "提升窗口人员业务能力。",
        "plan-0": "20",
        "plan-1": "50",
        "plan-2": "80",
        "plan-3": "100",
    }
    for i, (level1, level2, name, value) in enumerate(SIX_ROWS):
        data.update(
            {
                f"indicators-{i}-level1": level1,
                f"indicators-{i}-level2": level2,
                f"indicators-{i}-name": name,
                f"indicators-{i}-description": f"{name}说明",
                f"indicators-{i}-value": value,
                f"indicators-{i}-basis": "培训台账",
            }
        )
    data.update(changes)
    return data
