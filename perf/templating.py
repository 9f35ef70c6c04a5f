"""Jinja filters shared by every page: money, percents and a parsed 指标值; the refused-form helpers."""

from datetime import UTC
from zoneinfo import ZoneInfo

from flask import Flask

from perf.forms import kept_form, problem_count, unclaimed_kept
from perf.numbers import fmt2, grouped, plain

BEIJING = ZoneInfo("Asia/Shanghai")
KIND_LABELS = {"quantitative": "定量", "qualitative": "定性"}
DIRECTION_LABELS = {"higher_better": "正向", "lower_better": "反向", "equal": "等于"}


def money(value) -> str:
    """万元/元 with two places; blank for None."""
    return fmt2(value) or ""


def amount(value) -> str:
    """Money with thousands separators and two places (1,231,345.60); blank for None."""
    return grouped(value) or ""


def pct(value) -> str:
    """A percent without trailing zeros, as the published tables print it (15, 32.5)."""
    return plain(value) or ""


def describe_value(kind, comparator, target, unit, direction) -> str:
    """How perf read a 指标值, e.g. '定量 · ≥ 40 % · 正向' or '定性'."""
    label = KIND_LABELS.get(kind, kind)
    if kind != "quantitative":
        return label
    parts = [label, " ".join(x for x in (comparator, plain(target), unit) if x)]
    if direction:
        parts.append(DIRECTION_LABELS[direction])
    return " · ".join(parts)


def parsed_label(indicator) -> str:
    """``describe_value`` of a stored indicator row."""
    return describe_value(indicator.kind, indicator.comparator, indicator.target, indicator.unit, indicator.direction)


def when(moment) -> str:
    """A moment in Beijing time, to the minute."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def init_app(app: Flask) -> None:
    """Register the filters, and the refused-form helpers every form's banner uses."""
    app.add_template_global(problem_count)
    app.add_template_global(kept_form)
    app.add_template_global(unclaimed_kept)
    app.add_template_filter(when)
    app.add_template_filter(money)
    app.add_template_filter(amount)
    app.add_template_filter(pct)
    app.add_template_filter(parsed_label)
