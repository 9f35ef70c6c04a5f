"""Fixtures of the mid-year round: the sample's network project with actuals and payments by 7月31日."""

from datetime import date
from decimal import Decimal as D

import pytest

from perf.actuals.services import set_actual
from perf.projects.queries import project_by_code
from perf.spending.schemas import PaymentData
from perf.spending.services import add_payment

NETWORK = "13020724P00X4BL10005W"  # 28万元; plan 15/30/85/100; ≥40%, ≥90%, ≥95%, ≤28万元, …, 长期使用 (定性)
ROUND = date(2024, 7, 31)

#: Indicator name -> (actual, date): position 1–8 of the network project.
ACTUALS = {
    "提供材料比例": ("30%", date(2024, 7, 15)),  # ≥40%: 75% -> yellow
    "办理结果电子化率": ("95%", date(2024, 6, 30)),  # ≥90%: 105.56% -> green
    "网上审批及时率": ("50%", date(2024, 7, 31)),  # ≥95%: 52.63% -> red
    "项目预算控制数": ("275000元", date(2024, 7, 31)),  # ≤28万元: 27.5万元 -> green
    "平台使用率": ("99%", date(2024, 7, 31)),  # ≥95%: 104.21% -> green
    # 网上审批率: no actual -> missing
    # 长期使用性: 定性, light from the likelihood
    "服务对象满意度": ("120%", date(2024, 7, 31)),  # ≥98%: 122.45% -> blue
}


@pytest.fixture
def network(session, demo):
    """The network project with the actuals above, a later one (ignored) and 168000元 paid by 7月31日."""
    project = project_by_code(NETWORK)
    by_name = {indicator.name: indicator for indicator in project.indicators}
    for name, (text, as_of) in ACTUALS.items():
        set_actual(by_name[name], text, as_of, "fixture")
    set_actual(by_name["提供材料比例"], "80%", date(2024, 8, 15), "fixture")  # after the round
    add_payment(project, PaymentData(project.code, date(2024, 5, 10), D("168000"), "PZ-MID-1"), "fixture")
    add_payment(project, PaymentData(project.code, date(2024, 8, 10), D("50000"), "PZ-MID-2"), "fixture")
    session.commit()  # requests that roll back must not take the fixture's rows with them
    return project_by_code(NETWORK)


def indicator_of(project, name: str):
    return next(indicator for indicator in project.indicators if indicator.name == name)
