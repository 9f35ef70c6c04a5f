"""What a publication holds: one department's year of 绩效目标表 as plain data, so the writers are pure.

``queries.publication`` builds it from the database; the writers (``docx``, ``xlsx``) turn it into bytes.
Amounts are in 万元 exactly as stored, plan percents per checkpoint, weights the stored self-evaluation
weights (None where none was saved).
"""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class PublishedUnit:
    """A unit of the department (部门机构设置): its name, code in the budget system and the three labels."""

    name: str
    code: str = ""
    nature: str = ""
    rank: str = ""
    funding: str = ""


@dataclass(frozen=True)
class PublishedIndicator:
    """One indicator row as stored: the 指标值 as written and how perf read it, and its weight."""

    level1: str
    level2: str
    name: str
    description: str
    value: str
    basis: str
    comparator: str | None = None
    target: Decimal | None = None
    unit: str | None = None
    kind: str = "qualitative"
    direction: str | None = None
    weight: Decimal | None = None


@dataclass(frozen=True)
class PublishedProject:
    """One project's 绩效目标表: header, plan (one cumulative percent per checkpoint, or none), indicators."""

    code: str
    name: str
    unit: PublishedUnit
    total: Decimal
    fiscal: Decimal
    other: Decimal
    purpose: str
    goal: str
    plan: tuple[Decimal, ...]
    indicators: tuple[PublishedIndicator, ...]


@dataclass(frozen=True)
class Publication:
    """A department's projects of one budget year, with what the importers need to read them back."""

    department_code: str
    department_name: str
    year: int
    #: The year's checkpoint labels ("3月底"), in order.
    checkpoints: tuple[str, ...]
    units: tuple[PublishedUnit, ...]
    projects: tuple[PublishedProject, ...]
    #: 合计, 基本支出, 项目支出 of the department's 支出总表 as stored (None when none was imported).
    stated: tuple[Decimal | None, Decimal | None, Decimal | None] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """The projects' budgets added up (万元)."""
        return sum((p.total for p in self.projects), Decimal(0))


def exact(value: Decimal) -> str:
    """An amount exactly as stored, at least two places: 28 -> "28.00", 330.984 -> "330.984" (never rounded)."""
    text = f"{Decimal(value):f}"
    whole, _, places = text.partition(".")
    places = places.rstrip("0")
    return f"{whole}.{places.ljust(2, '0')}"


def percent_text(value: Decimal) -> str:
    """A plan percent as published: 15 -> "15%", 12.5 -> "12.5%"."""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"
