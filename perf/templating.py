"""Jinja filters shared by every page: money, percents and a parsed 指标值."""

from flask import Flask

from perf.numbers import fmt2, plain

KIND_LABELS = {"quantitative": "定量", "qualitative": "定性"}
DIRECTION_LABELS = {"higher_better": "正向", "lower_better": "反向", "equal": "等于"}


def money(value) -> str:
    """万元/元 with two places; blank for None."""
    return fmt2(value) or ""


def pct(value) -> str:
    """A percent without trailing zeros, as the published tables print it (15, 32.5)."""
    return plain(value) or ""


def parsed_label(indicator) -> str:
    """How perf read the 指标值, e.g. '定量 · ≥ 40 % · 正向' or '定性'."""
    kind = KIND_LABELS.get(indicator.kind, indicator.kind)
    if indicator.kind != "quantitative":
        return kind
    parts = [
        kind,
        " ".join(x for x in (indicator.comparator, plain(indicator.target), indicator.unit) if x),
    ]
    if indicator.direction:
        parts.append(DIRECTION_LABELS[indicator.direction])
    return " · ".join(parts)


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(money)
    app.add_template_filter(pct)
    app.add_template_filter(parsed_label)
