"""The columns of a flat 绩效目标 table (perf/documents/flat.py reads it): ``FlatRow`` names each by its
header and the synonyms 预算管理一体化 exports use, and the words its 指标性质 and 指标方向性 cells hold."""

from marshmallow import Schema

from perf.documents.tabular import columns_of
from perf.fields import TypedText

#: What a 指标性质 cell may say, and the comparator perf writes for it.
NATURES = {
    "≥": "≥",
    ">=": "≥",
    "大于等于": "≥",
    "不低于": "≥",
    "≤": "≤",
    "<=": "≤",
    "小于等于": "≤",
    "不高于": "≤",
    "=": "=",
    "＝": "=",
    "等于": "=",
    ">": ">",
    "大于": ">",
    "<": "<",
    "小于": "<",
    "定性": "定性",
}
#: What a 指标方向性 cell may say.
DIRECTIONS = {"正向指标": "正向", "正向": "正向", "反向指标": "反向", "反向": "反向"}


class FlatRow(Schema):
    """One row of a flat table as its columns name it; every cell is text (amounts are read after)."""

    unit = TypedText(
        "单位名称", 200, load_default=None, column="required", synonyms=("单位", "预算单位", "预算单位名称")
    )
    code = TypedText("项目编码", 40, load_default=None, column="optional", synonyms=("项目代码", "项目编号"))
    name = TypedText("项目名称", 200, load_default=None, column="required", synonyms=("项目",))
    total = TypedText(
        "预算数",
        40,
        load_default=None,
        column="required",
        synonyms=("预算金额", "项目预算数", "年度预算数", "预算总额", "资金总额", "年度资金总额", "项目金额"),
    )
    fiscal = TypedText("财政资金", 40, load_default=None, column="optional", synonyms=("财政拨款", "其中：财政资金"))
    other = TypedText("其他资金", 40, load_default=None, column="optional", synonyms=("其他资金来源", "单位自有资金"))
    goal = TypedText(
        "年度目标", 5000, load_default=None, column="optional", synonyms=("年度绩效目标", "绩效目标", "项目年度目标")
    )
    purpose = TypedText("资金用途", 5000, load_default=None, column="optional", synonyms=("项目概述", "项目内容"))
    level1 = TypedText("一级指标", 30, load_default=None, column="required")
    level2 = TypedText("二级指标", 30, load_default=None, column="required")
    indicator = TypedText("三级指标", 200, load_default=None, column="required", synonyms=("指标名称",))
    nature = TypedText("指标性质", 10, load_default=None, column="optional", synonyms=("比较符", "指标符号"))
    value = TypedText("指标值", 200, load_default=None, column="required", synonyms=("目标值", "指标目标值"))
    measure = TypedText("度量单位", 20, load_default=None, column="optional", synonyms=("计量单位", "指标单位"))
    weight = TypedText("权重", 20, load_default=None, column="optional", synonyms=("指标权重", "分值", "权重（分）"))
    direction = TypedText("指标方向性", 10, load_default=None, column="optional", synonyms=("指标方向",))
    description = TypedText(
        "绩效指标描述", 1000, load_default=None, column="optional", synonyms=("指标描述", "指标解释", "指标说明")
    )
    basis = TypedText(
        "指标值确定依据", 1000, load_default=None, column="optional", synonyms=("确定依据", "指标值设定依据")
    )


ROW = FlatRow()
COLUMNS = columns_of(ROW)
