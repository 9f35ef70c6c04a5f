"""The indicator taxonomy: which 二级指标 belong to which 一级指标, per scheme.

See docs/domain.md#indicator-schemes.
"""

from collections.abc import Iterable

#: 2020 scheme (as in the sample): 成本指标 is a 二级 under 产出指标.
SCHEME_2020: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}

#: 2021 scheme (财预〔2021〕101号): 成本指标 is a 一级 of its own.
SCHEME_2021: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
}

SCHEMES: dict[str, dict[str, tuple[str, ...]]] = {"2020": SCHEME_2020, "2021": SCHEME_2021}
SCHEME_LABELS = {
    "2020": "2020版（成本指标为产出指标下的二级指标）",
    "2021": "2021版（成本指标为一级指标）",
}

#: 一级 every table must have, in every scheme.
REQUIRED_LEVEL1 = ("产出指标", "效益指标", "满意度指标")


def scheme_of_table(pairs: Iterable[tuple[str, str]]) -> str | None:
    """The scheme (一级, 二级) pairs show: "2021" with 成本指标 as a 一级, "2020" with it under 产出指标;
    None when no row says (no 成本 row at all)."""
    compact = [("".join(level1.split()), "".join(level2.split())) for level1, level2 in pairs]
    if any(level1 == "成本指标" for level1, _ in compact):
        return "2021"
    if any(level1 == "产出指标" and level2 == "成本指标" for level1, level2 in compact):
        return "2020"
    return None


def taxonomy(scheme: str) -> dict[str, tuple[str, ...]]:
    """The 一级 -> 二级 map of ``scheme`` (the 2020 scheme if unknown)."""
    return SCHEMES.get(scheme, SCHEME_2020)


def output_level2(scheme: str) -> tuple[str, ...]:
    """The 产出 二级 a table must cover: 数量/质量/时效, plus 成本 (under 产出 or as 一级)."""
    return ("数量指标", "质量指标", "时效指标", "成本指标")
