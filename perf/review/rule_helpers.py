"""Text and money helpers for the review rules: names, units and the 定性 goal heuristic.

Everything here is a pure function of strings and Decimals, so the rules in
``perf.review.rules`` stay short and each heuristic is testable on its own.
"""

import re

from perf.projects.taxonomy import SCHEME_LABELS

#: 二级 whose targets must be measured (细化量化): 产出 and every 成本 二级 of both schemes.
QUANTITATIVE_LEVEL2 = frozenset(
    {
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
        "经济成本指标",
        "社会成本指标",
        "生态环境成本指标",
    }
)

_RATE_ENDINGS = ("率", "比例", "比率")
#: Rates that legitimately exceed 100% (growth, increase).
_GROWTH_WORDS = ("增长", "增幅", "增速", "增加")
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[)）]$")


def _words(text: str) -> tuple[str, ...]:
    """A space-separated word list as a tuple."""
    return tuple(text.split())


#: Words that state a direction or a state to reach; one of them makes a short text a goal.
GOAL_WORDS = _words(
    "提升 提高 改善 优化 保障 保持 维持 达到 达标 实现 完成 长期 稳定 有效 按时 按期 如期"
    " 及时 准时 期限 时限 规范 满意 增强 加强 增加 扩大 降低 减少 缩短 下降 促进 推动 推进"
    " 确保 符合 合格 良好 明显 显著 持续 正常 顺利 到位 完善 健全 覆盖 便利 便捷 高效 畅通"
    " 安全 杜绝 避免 不发生 未发生 零"
)

#: Words that promise the unmeasurable; their presence makes any text a slogan.
SLOGAN_WORDS = _words("无限 无穷 无尽 无比 最大 最优 最佳 一切 全面 极大 极致 完美 彻底 永远 永久 可能")

#: Longer than this, a 定性 value is a paragraph of description, not a target to verify.
MAX_GOAL_LENGTH = 20


def compact(text: str) -> str:
    """``text`` without any whitespace (names and level cells are compared this way)."""
    return "".join(text.split())


def is_rate_name(name: str) -> bool:
    """True for a ratio indicator: the name ends in 率/比例/比率, a trailing "(%)" ignored."""
    core = _TRAILING_NOTE.sub("", compact(name))
    return core.endswith(_RATE_ENDINGS)


def is_growth_name(name: str) -> bool:
    """True for a growth-type rate (增长率 …), which may exceed 100%."""
    return any(word in name for word in _GROWTH_WORDS)


def unmeasurable_reason(text: str) -> str | None:
    """Why a 定性 value is not a recognisable goal, or None if it is one.

    A recognisable qualitative goal is short (at most MAX_GOAL_LENGTH characters),
    names a direction or state to reach (one of GOAL_WORDS, e.g. 提升, 保障, 期限,
    长期) and promises nothing unmeasurable (none of SLOGAN_WORDS, e.g. 无限, 一切).
    """
    value = compact(text)
    slogan = next((word for word in SLOGAN_WORDS if word in value), None)
    if slogan is not None:
        return f"含有“{slogan}”这类无法衡量的表述"
    if len(value) > MAX_GOAL_LENGTH:
        return f"长达{len(value)}字，是一段描述而不是可核验的目标"
    if not any(word in value for word in GOAL_WORDS):
        return "既不是可衡量的数值，也没有写明要达到的方向或状态"
    return None


def scheme_label(scheme: str) -> str:
    """The scheme's name for messages (an unknown scheme reads as 2020, as taxonomy() does)."""
    return SCHEME_LABELS.get(scheme, SCHEME_LABELS["2020"])


def level1_hint(scheme: dict[str, tuple[str, ...]], level1: str) -> str:
    """Where an unknown 一级 belongs instead, if it is a 二级 of this scheme."""
    home = next((parent for parent, children in scheme.items() if level1 in children), None)
    return f"；该年度“{level1}”是{home}下的二级指标" if home else ""


def level2_hint(scheme: dict[str, tuple[str, ...]], level2: str) -> str:
    """Where a misplaced 二级 belongs instead under this scheme."""
    if level2 in scheme:
        return f"；该年度“{level2}”是一级指标，其二级为{'、'.join(scheme[level2])}"
    home = next((parent for parent, children in scheme.items() if level2 in children), None)
    return f"；“{level2}”应放在一级指标“{home}”下" if home else ""
