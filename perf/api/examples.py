"""Examples in the OpenAPI document: what a valid request looks like (the sample department's data)."""

SAMPLE_CODE = "13020724P00X4BL10005W"


def path(name: str, description: str, example) -> dict:
    """A documented path parameter."""
    return {"in": "path", "name": name, "description": description, "example": example}


PROJECT_ID = path("project_id", "项目 id", 1)
PAYMENT_ID = path("payment_id", "支付记录 id", 1)
ALERT_ID = path("alert_id", "预警 id", 1)
INDICATOR_ID = path("indicator_id", "指标 id（见项目详情的 indicators）", 1)
AS_OF = path("as_of", "日期，如 2024-07-01", "2024-07-01")

_ROWS = [
    ("产出指标", "数量指标", "培训人次", "≥100人次"),
    ("产出指标", "质量指标", "培训合格率", "≥95%"),
    ("产出指标", "时效指标", "完成时间", "2024年12月底前"),
    ("产出指标", "成本指标", "培训成本", "≤10万元"),
    ("效益指标", "社会效益指标", "业务能力提升", "明显提升"),
    ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90%"),
]
TABLE = {
    "code": "API2024DEMO01",
    "name": "业务培训（接口示例）",
    "total": "10.00",
    "fiscal": "10.00",
    "other": "0.00",
    "purpose": "组织年度业务培训",
    "goal": "完成全年业务培训，提升业务能力",
    "spend_plan": ["20", "50", "80", "100"],
    "indicators": [
        {"level1": l1, "level2": l2, "name": name, "value": value, "basis": "年度工作计划"}
        for l1, l2, name, value in _ROWS
    ],
}
NEW_PROJECT = {"year": 2024, "unit_id": 1, **TABLE}
PAYMENT = {
    "project_code": SAMPLE_CODE,
    "date": "2024-06-30",
    "amount_yuan": "98000.00",
    "voucher_no": "PZ2024-0001",
    "source": "财政资金",
    "note": "网络维护费",
}
PAYMENT_CHANGE = {**{k: v for k, v in PAYMENT.items() if k != "project_code"}, "reason": "金额录入错误，按凭证更正"}
BULK = {
    "payments": [
        PAYMENT,
        {**PAYMENT, "voucher_no": "PZ2024-0002", "date": "2024-07-15", "amount_yuan": "20000.00"},
    ]
}
STEP = {"comment": "请审核"}
SEND_BACK = {"comment": "滞后原因过于笼统，请说明合同签订推迟的具体原因和付款安排"}
ANSWER = {"reason": "合同签订推迟", "measures": "8月完成招标后集中支付", "catch_up_on": "2024-09-30"}
SCAN = {"as_of": "2024-07-01"}
ACTUAL = {"value": "96%", "note": "1—6月数据"}
SELF_EVALUATION = {
    "outcome": "平台全年稳定运行，网上审批全面推行",
    "rows": [
        {"indicator_id": 1, "weight": "12.50", "reason": "材料清单扩充，下年度目标调整为≥55%"},
        {"indicator_id": 7, "weight": "10.00", "band": "achieved", "band_score": "9.00"},
    ],
}
