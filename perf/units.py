"""Units of measure: the units a 指标值 may carry, the one money-unit table and every conversion between money units.

``UNITS`` lists, by family, the units seen in real 绩效目标表; ``known_unit`` says whether the text
after a target's number is one (docs/domain.md#units), so ``3个月内完成整改`` is no quantity.

Money is written in 元, 千元, 万元, 百万元 or 亿元, alone (``≤28万元``) or per something
(``2200元/月``). Amounts in two money units compare after conversion; ``元/月`` and
``万元/月`` convert, ``元/月`` and ``元/套`` do not. See docs/domain.md#money-and-percents.
"""

import re
from decimal import Decimal

#: Every money unit and its size in 元.
MONEY_UNITS: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "百万元": Decimal(1000000),
    "亿元": Decimal(100000000),
}
YUAN_PER_WAN = MONEY_UNITS["万元"]
#: Spellings longest first, so 万元 is not read as 元 and 百万元 not as 万元.
_BY_LENGTH = sorted(MONEY_UNITS, key=len, reverse=True)


class UnitMismatch(ValueError):
    """Two units that do not compare; the message is in Chinese."""


def money(unit: str | None) -> tuple[Decimal, str] | None:
    """(size in 元, what it is per: "" or "/月") of a money unit; None for anything else."""
    if unit is None:
        return None
    head, slash, rest = unit.partition("/")
    return (MONEY_UNITS[head], slash + rest) if head in MONEY_UNITS else None


def is_money_unit(unit: str | None) -> bool:
    """元, 万元, 亿元 … and per-unit money such as 元/月, 元/套, 元/人."""
    return unit is not None and unit.startswith(tuple(_BY_LENGTH))


def in_wan(number: Decimal, unit: str | None) -> Decimal | None:
    """An amount in 万元 when ``unit`` is a plain money unit; None for 元/月 and non-money."""
    if unit not in MONEY_UNITS:
        return None
    return number * MONEY_UNITS[unit] / YUAN_PER_WAN


def unit_mismatch(target_unit: str | None, actual_unit: str | None, what: str = "实际完成值") -> str | None:
    """A Chinese message when ``what`` in ``actual_unit`` cannot be compared with the target, else None.

    A missing unit on either side is taken to be the other side's; money units convert.
    """
    if target_unit is None or actual_unit is None or target_unit == actual_unit:
        return None
    target_money, actual_money = money(target_unit), money(actual_unit)
    if target_money and actual_money and target_money[1] == actual_money[1]:
        return None
    return f"{what}的单位“{actual_unit}”与年度指标值的单位“{target_unit}”不一致"


def to_target_unit(value: Decimal, value_unit: str | None, target_unit: str | None) -> Decimal:
    """``value`` expressed in the target's unit (27.5万元 ← 275000元); UnitMismatch when they do not compare."""
    message = unit_mismatch(target_unit, value_unit)
    if message:
        raise UnitMismatch(message)
    if target_unit is None or value_unit is None or target_unit == value_unit:
        return value
    return value * money(value_unit)[0] / money(target_unit)[0]


# -- what counts as a unit --------------------------------------------------------------------


def _family(words: str) -> tuple[str, ...]:
    return tuple(words.split())


#: The units seen in real 绩效目标表, by family: what may follow the number of a 定量 指标值
#: (docs/domain.md#units). Latin spellings are matched ignoring case.
UNITS: dict[str, tuple[str, ...]] = {
    "count": _family(
        "个 项 次 件 台 套 家 所 场 期 批 批次 篇 份 册 本 部 张 条 块 根 辆 艘 架 座 栋 幢 间 处 点 宗 笔 单 起 例 "
        "种 类 门 节 课 课时 学时 班 组 队 支 片 村 个村 镇 站 校 园 户次 轮 届 卷 页 幅 首 集 件次 台次 场次 "
        "车次 架次 株 棵 头 只 羽 尾 口 眼 盏 扇 把 双 对 副 箱 袋 瓶 盒 包 杆 基 级 星"
    ),
    "people": _family("人 人次 户 名 位 人天 人日 人月 人年 家庭 个人 床 床位 岗 个岗位 岗位"),
    "money": _family(
        "元 千元 万元 百万元 亿元 百元 十万元 千万元 元/人 万元/个 元/平方米 元/亩 元/月 元/年 元/天 元/次 "
        "元/套 元/件 元/户 元/人·月 元/人·年 元/人次"
    ),
    "time": _family("天 日 小时 分钟 秒 个月 月 年 周 星期 工作日 个工作日 季度 个季度 个小时 学期 个学期 旬 h min s"),
    "rate": _family("% ‰ 百分点 个百分点 倍 成"),
    "score": _family("分"),
    "area": _family("平方米 亩 公顷 平方公里 平方千米 平米 万平方米 万亩 ㎡ m² km² ㎞²"),
    "length": _family("米 公里 千米 厘米 毫米 延米 延长米 km m cm mm ㎞ ㎝ ㎜"),
    "weight": _family("吨 千克 公斤 克 斤 万吨 kg g t ㎏ ㎎"),
    "volume": _family("立方米 方 升 毫升 万立方米 立方 m³ ㎥ L ml"),
    "energy": _family("千瓦 千瓦时 度 兆瓦 万千瓦 瓦 标准煤 吨标准煤 kw kwh kw·h mw"),
    "other": _family("℃ ° gb tb mb mbps gbps 字 万字 字节"),
}
KNOWN_UNITS = frozenset(unit.casefold() for family in UNITS.values() for unit in family)
#: A magnitude before a unit of these families is still a unit (万人次, 亿元, 万册, 十万吨).
_MAGNITUDES = ("十万", "百万", "千万", "十", "百", "千", "万", "亿")
_SCALABLE = frozenset(
    unit.casefold()
    for family in ("count", "people", "money", "area", "length", "weight", "volume", "energy")
    for unit in UNITS[family]
)
#: Parts of a compound unit (元/人, 元/人·月, 吨·公里).
_COMPOUND = re.compile(r"[/·]")

_MAX_LENGTH = 12


def known_unit(unit: str, extra: frozenset[str] = frozenset()) -> bool:
    """``unit`` (no whitespace, half-width) is a unit: listed in ``UNITS`` or ``extra`` (case-folded),
    a magnitude before a countable unit (万人次, 十万吨), or such units joined by / or · (元/人·月)."""
    if not unit or len(unit) > _MAX_LENGTH:
        return False
    folded = unit.casefold()
    if _listed(folded, extra):
        return True
    parts = _COMPOUND.split(folded)
    return len(parts) > 1 and all(_listed(part, extra) for part in parts)


def _listed(unit: str, extra: frozenset[str]) -> bool:
    if unit in KNOWN_UNITS or unit in extra:
        return True
    return any(unit.startswith(size) and unit[len(size) :] in _SCALABLE for size in _MAGNITUDES)
