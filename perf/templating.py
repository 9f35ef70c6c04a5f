"""Jinja filters shared by every page: money (grouped), percents and scores (two places), a parsed 指标值,
a shortened comment; a list's page links; the refused-form helpers."""

from datetime import UTC
from zoneinfo import ZoneInfo

from flask import Flask, request, url_for

from perf.forms import kept_form, problem_count, unclaimed_kept
from perf.numbers import fmt2, grouped, plain, wan_grouped, wan_text

BEIJING = ZoneInfo("Asia/Shanghai")
KIND_LABELS = {"quantitative": "定量", "qualitative": "定性"}
DIRECTION_LABELS = {"higher_better": "正向", "lower_better": "反向", "equal": "等于"}


def money(value) -> str:
    """Money (元 or 万元) as finance staff write it: thousands separators, two places (1,231,345.60); blank for None.

    The page says the unit beside it (a column header or a suffix). Form inputs are filled
    ungrouped (``fmt2``), though ``perf.fields.Number`` also reads "1,231,345.60" back.
    """
    return grouped(value) or ""


#: The same filter under the name the alert page first used.
amount = money


def wan(value) -> str:
    """A stored 万元 amount (预算数 and its split): grouped, two places where that is exact, else every
    place it has (1,330.984, which is 13,309,840.00 元); blank for None. See ``perf.numbers.wan_grouped``."""
    return wan_grouped(value) or ""


def wan_plain(value) -> str:
    """A stored 万元 amount as a form input is filled: ungrouped, exact ("330.984", "28.00")."""
    return wan_text(value) or ""


def num2(value) -> str:
    """A percent, a score or a count with exactly two places and no separators (95.00); blank for None."""
    return fmt2(value) or ""


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


def shorten(text, limit: int = 30) -> str:
    """``text`` on one line, cut to ``limit`` characters with "…" when longer (the full text goes in a title)."""
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def page_url(number: int) -> str:
    """This list page's address with the same filters, on page ``number``."""
    args = request.args.to_dict(flat=False)
    args["page"] = [str(number)]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def sort_url(key: str, descending: bool) -> str:
    """This list page's address with the same filters, sorted by ``key`` (from the first page)."""
    args = request.args.to_dict(flat=False)
    args.pop("page", None)
    args["sort"], args["order"] = [key], ["desc" if descending else "asc"]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    """Register the filters, the pager's link helper and the refused-form helpers every form's banner uses."""
    app.add_template_global(page_url)
    app.add_template_global(sort_url)
    app.add_template_filter(shorten)
    app.add_template_global(problem_count)
    app.add_template_global(kept_form)
    app.add_template_global(unclaimed_kept)
    app.add_template_filter(when)
    app.add_template_filter(money)
    app.add_template_filter(wan)
    app.add_template_filter(wan_plain, "wan_text")
    app.add_template_filter(amount)
    app.add_template_filter(num2)
    app.add_template_filter(pct)
    app.add_template_filter(parsed_label)
