"""The 资金支出计划 rule: cumulative percents that never go down and end at 100.

See docs/domain.md#spending-plan.
"""

from collections.abc import Sequence
from decimal import Decimal

from perf.numbers import HUNDRED, plain


def plan_findings(entries: Sequence[tuple[str, Decimal]]) -> list[tuple[int, str]]:
    """``(index of the checkpoint, Chinese message)`` for each way the plan breaks the rule.

    ``entries`` are ``(checkpoint label, cumulative percent)`` in checkpoint order,
    e.g. ``[("3月底", Decimal("15")), ("6月底", Decimal("30")), ...]``.
    """
    findings: list[tuple[int, str]] = []
    previous: Decimal | None = None
    for index, (label, pct) in enumerate(entries):
        if pct < 0 or pct > HUNDRED:
            findings.append((index, f"{label}的计划支出进度 {plain(pct)}% 超出 0–100% 的范围"))
            continue  # compare the next checkpoint with the last sensible one
        if previous is not None and pct < previous:
            findings.append(
                (
                    index,
                    f"{label}的计划支出进度 {plain(pct)}% 低于上一节点的 {plain(previous)}%，累计进度不能下降",
                )
            )
        previous = pct
    if entries:
        label, last = entries[-1]
        if last != HUNDRED:
            findings.append((len(entries) - 1, f"{label}的计划支出进度应为 100%，实为 {plain(last)}%"))
    return findings


def plan_problems(entries: Sequence[tuple[str, Decimal]]) -> list[str]:
    """The messages of ``plan_findings``; [] when the plan is valid."""
    return [message for _, message in plan_findings(entries)]
