"""Bar charts as inline SVG, drawn in Python: the summary page and its PDF show the very same picture.

Why SVG from Python: WeasyPrint runs no JavaScript, so ECharts cannot draw into a PDF; an SVG
string is laid out by WeasyPrint and by every browser alike, needs no asset, and its text is real
text (Chinese included, in the page's embedded CJK font), so the PDF stays searchable.

The bars are horizontal: one group per category (a project, a checkpoint), one bar per series.
Long Chinese project names then sit on the left, readable, instead of being slanted under the
axis. Geometry is computed in Decimal and written with one decimal place; no float is used.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from markupsafe import Markup, escape

from perf.numbers import fmt2

FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Serif CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"
FONT_SIZE = 12
LABEL_WIDTH = 210  # room for the category names, left of the plot
VALUE_ROOM = 60  # right of the plot, for the value printed after the longest bar
TITLE_HEIGHT = 26
LEGEND_HEIGHT = 22
GUIDE_ROOM = 16  # above the plot, for the guide lines' labels
AXIS_ROOM = 40  # below the plot: tick labels and the axis title
BAR = 14
BAR_GAP = 2
GROUP_GAP = 10
GRID = "#d9d9d9"
INK = "#222222"
MUTED = "#666666"
ZERO = Decimal(0)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Series:
    """One bar per group: its legend name and colour."""

    name: str
    color: str


@dataclass(frozen=True)
class Group:
    """A category: its label and one value per series (None: no value, drawn as “—”)."""

    label: str
    values: tuple[Decimal | None, ...]
    #: Per-bar colour overrides (None or missing: the series colour).
    colors: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class Guide:
    """A dashed vertical line across the plot, e.g. a grade threshold."""

    value: Decimal
    label: str
    color: str = MUTED


def num(value: Decimal | int) -> str:
    """An SVG coordinate: one decimal place, no exponent."""
    text = f"{Decimal(value).quantize(TENTH):f}"
    return text[:-2] if text.endswith(".0") else text


WIDE_PUNCTUATION = frozenset("‘’“”…—")  # full width in a CJK font


def display_width(text: str) -> int:
    """Width in half-em units: CJK, full-width characters and CJK quotes count two."""
    return sum(2 if ord(ch) > 0x2E80 or ch in WIDE_PUNCTUATION else 1 for ch in text)


def fit(text: str, units: int) -> str:
    """``text`` cut to ``units`` half-em units, with “…” when cut."""
    if display_width(text) <= units:
        return text
    kept, width = [], 2  # the ellipsis is full width
    for ch in text:
        width += display_width(ch)
        if width > units:
            break
        kept.append(ch)
    return "".join(kept) + "…"


def axis_max(values: Sequence[Decimal | None], floor: Decimal = Decimal(100)) -> tuple[Decimal, Decimal]:
    """(axis maximum, tick step): at least ``floor``, rounded up to a whole tick of 20, 50, 100, …"""
    top = max([floor, *(v for v in values if v is not None)])
    step = Decimal(20)
    while top / step > 10:
        step *= Decimal("2.5") if str(step)[0] == "2" else 2
    return (top / step).to_integral_value(rounding=ROUND_CEILING) * step, step


@dataclass(frozen=True)
class _Frame:
    """Where things go: the plot's left edge and width, the top of the first group, the axis scale."""

    width: int
    height: int
    top: int
    plot_left: int
    plot_width: int
    maximum: Decimal
    step: Decimal
    group_height: int

    def x(self, value: Decimal) -> Decimal:
        clamped = min(max(value, ZERO), self.maximum)
        return self.plot_left + clamped * self.plot_width / self.maximum

    @property
    def bottom(self) -> int:
        return self.height - AXIS_ROOM


def _frame(groups: Sequence[Group], n_series: int, width: int, guides: bool, maximum: Decimal | None) -> _Frame:
    values = [value for group in groups for value in group.values]
    top_value, step = axis_max(values) if maximum is None else (maximum, axis_max([maximum], maximum)[1])
    group_height = n_series * BAR + (n_series - 1) * BAR_GAP
    top = TITLE_HEIGHT + LEGEND_HEIGHT + (GUIDE_ROOM if guides else 0)
    body = max(len(groups), 1) * (group_height + GROUP_GAP) + GROUP_GAP
    plot_left = LABEL_WIDTH + 8
    return _Frame(
        width, top + body + AXIS_ROOM, top, plot_left, width - plot_left - VALUE_ROOM, top_value, step, group_height
    )


def _text(x, y, text: str, *, anchor: str = "start", size: int = FONT_SIZE, color: str = INK, extra: str = "") -> str:
    return (
        f'<text x="{num(x)}" y="{num(y)}" font-size="{size}" fill="{color}" text-anchor="{anchor}"{extra}>'
        f"{escape(text)}</text>"
    )


def _legend(frame: _Frame, items: Sequence[tuple[str, str]]) -> list[str]:
    parts, x, y = [], Decimal(frame.plot_left), TITLE_HEIGHT + 6
    for name, color in items:
        parts.append(f'<rect x="{num(x)}" y="{y}" width="12" height="12" fill="{color}"/>')
        parts.append(_text(x + 16, y + 10, name))
        x += 16 + Decimal(display_width(name) * FONT_SIZE) / 2 + 18
    return parts


def _axis(frame: _Frame, axis_title: str) -> list[str]:
    parts = []
    tick = ZERO
    while tick <= frame.maximum:
        x = frame.x(tick)
        parts.append(f'<line x1="{num(x)}" y1="{frame.top}" x2="{num(x)}" y2="{frame.bottom}" stroke="{GRID}"/>')
        parts.append(_text(x, frame.bottom + 14, f"{tick:f}", anchor="middle", size=11, color=MUTED))
        tick += frame.step
    left, right = num(frame.plot_left), num(frame.plot_left + frame.plot_width)
    parts.append(f'<line x1="{left}" y1="{frame.top}" x2="{left}" y2="{frame.bottom}" stroke="{INK}"/>')
    parts.append(f'<line x1="{left}" y1="{frame.bottom}" x2="{right}" y2="{frame.bottom}" stroke="{INK}"/>')
    middle = frame.plot_left + Decimal(frame.plot_width) / 2
    parts.append(_text(middle, frame.bottom + 32, axis_title, anchor="middle", color=MUTED))
    return parts


def _guides(frame: _Frame, guides: Sequence[Guide]) -> list[str]:
    parts = []
    for guide in guides:
        x = num(frame.x(guide.value))
        parts.append(
            f'<line class="guide" x1="{x}" y1="{frame.top - 4}" x2="{x}" y2="{frame.bottom}" '
            f'stroke="{guide.color}" stroke-width="1.2" stroke-dasharray="5 3"/>'
        )
        parts.append(
            _text(frame.x(guide.value), frame.top - 7, guide.label, anchor="middle", size=11, color=guide.color)
        )
    return parts


def _group(frame: _Frame, index: int, group: Group, series: Sequence[Series], suffix: str) -> list[str]:
    y = frame.top + GROUP_GAP + index * (frame.group_height + GROUP_GAP)
    label = fit(group.label, (LABEL_WIDTH * 2) // FONT_SIZE)
    parts = [f"<g><title>{escape(group.label)}</title>"]
    parts.append(_text(LABEL_WIDTH, y + Decimal(frame.group_height) / 2 + 4, label, anchor="end"))
    for position, (one, value) in enumerate(zip(series, group.values, strict=True)):
        bar_y = y + position * (BAR + BAR_GAP)
        color = group.colors[position] if position < len(group.colors) and group.colors[position] else one.color
        if value is None:
            parts.append(_text(frame.plot_left + 4, bar_y + 11, "—", size=11, color=MUTED))
            continue
        end = frame.x(value)
        parts.append(
            f'<rect class="bar" data-series="{position}" x="{num(frame.plot_left)}" y="{bar_y}" '
            f'width="{num(end - frame.plot_left)}" height="{BAR}" fill="{color}"><title>'
            f"{escape(group.label)} {escape(one.name)}：{fmt2(value)}{escape(suffix)}</title></rect>"
        )
        parts.append(_text(end + 4, bar_y + 11, f"{fmt2(value)}{suffix}", size=11))
    parts.append("</g>")
    return parts


def bar_chart(
    title: str,
    groups: Sequence[Group],
    series: Sequence[Series],
    *,
    axis_title: str,
    guides: Sequence[Guide] = (),
    suffix: str = "",
    legend: Sequence[tuple[str, str]] | None = None,
    maximum: Decimal | None = None,
    width: int = 760,
) -> Markup:
    """A horizontal bar chart as an ``<svg>`` element (safe to put into a template as is)."""
    frame = _frame(groups, len(series), width, bool(guides), maximum)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{frame.width}" height="{frame.height}" '
        f'viewBox="0 0 {frame.width} {frame.height}" role="img" font-family="{FONT_FAMILY}">',
        f"<title>{escape(title)}</title>",
        _text(Decimal(frame.width) / 2, 18, title, anchor="middle", size=14, extra=' font-weight="bold"'),
    ]
    parts += _legend(frame, legend if legend is not None else [(one.name, one.color) for one in series])
    parts += _axis(frame, axis_title)
    parts += _guides(frame, guides)
    if not groups:
        parts.append(
            _text(frame.plot_left + frame.plot_width // 2, frame.top + 18, "暂无数据", anchor="middle", color=MUTED)
        )
    for index, group in enumerate(groups):
        parts += _group(frame, index, group, series, suffix)
    parts.append("</svg>")
    return Markup("\n".join(parts))  # every text above went through escape()


# --- the summary's charts ---------------------------------------------------------------------

#: Grade colours, best grade first (优 green, 良 blue, 中 amber, 差 red); more bands reuse the last.
GRADE_COLORS = ("#2e7d32", "#1d4f91", "#d48806", "#c62828")
PLANNED_COLOR = "#b8bec8"
ACTUAL_COLOR = "#1d4f91"
BEHIND_COLOR = "#d48806"


def grade_colors(grade_bands) -> dict[str, str]:
    """grade label -> its colour, for ``(threshold, label)`` bands best first."""
    return {label: GRADE_COLORS[min(i, len(GRADE_COLORS) - 1)] for i, (_, label) in enumerate(grade_bands)}


def _behind(actual: Decimal | None, planned: Decimal | None) -> str | None:
    """The actual bar's colour when it is below plan (None: the series colour)."""
    return BEHIND_COLOR if actual is not None and planned is not None and actual < planned else None


def score_chart(summary, width: int = 760) -> Markup:
    """自评得分 per project, coloured by grade, with a dashed line at each grade's threshold (90 / 80 / 60)."""
    colors = grade_colors(summary.grade_bands)
    lowest = min((threshold for threshold, _ in summary.grade_bands if threshold > 0), default=Decimal(0))
    groups = [Group(row.name, (row.score,), (colors.get(row.grade),)) for row in summary.rows]
    guides = [
        Guide(threshold, f"{label} {threshold:f}", colors[label])
        for threshold, label in summary.grade_bands
        if threshold > 0
    ]
    legend = [
        (f"{label}（≥{threshold:f}）" if threshold > 0 else f"{label}（<{lowest:f}）", colors[label])
        for threshold, label in summary.grade_bands
    ]
    return bar_chart(
        "各项目自评得分",
        groups,
        [Series("自评得分", ACTUAL_COLOR)],
        axis_title="自评得分（分）",
        guides=guides,
        legend=legend,
        maximum=Decimal(100),
        width=width,
    )


def execution_chart(summary, width: int = 760) -> Markup:
    """Per project: the plan's cumulative percent at the report date beside the actual execution rate."""
    groups = [Group(row.name, (row.planned, row.rate), (None, _behind(row.rate, row.planned))) for row in summary.rows]
    series = [Series("计划支出进度", PLANNED_COLOR), Series("实际执行率", ACTUAL_COLOR)]
    legend = [("计划支出进度", PLANNED_COLOR), ("实际执行率", ACTUAL_COLOR), ("实际低于计划", BEHIND_COLOR)]
    return bar_chart(
        f"计划与实际支出进度（截至{summary.as_of_label}）",
        groups,
        series,
        axis_title="占全年预算的百分比（%）",
        suffix="%",
        legend=legend,
        width=width,
    )


def checkpoint_chart(summary, width: int = 760) -> Markup:
    """The department at each checkpoint: planned vs actual cumulative percent of the total budget."""
    groups = [
        Group(point.label, (point.planned, point.actual), (None, _behind(point.actual, point.planned)))
        for point in summary.checkpoints
    ]
    series = [Series("计划累计进度", PLANNED_COLOR), Series("实际累计执行率", ACTUAL_COLOR)]
    legend = [("计划累计进度", PLANNED_COLOR), ("实际累计执行率", ACTUAL_COLOR), ("实际低于计划", BEHIND_COLOR)]
    return bar_chart(
        "部门合计：各节点计划与实际累计支出进度",
        groups,
        series,
        axis_title="占全年预算的百分比（%）",
        suffix="%",
        legend=legend,
        width=width,
    )


def summary_charts(summary, width: int = 960) -> dict[str, Markup]:
    """The three charts of the summary page and PDF, by name."""
    return {
        "scores": score_chart(summary, width),
        "execution": execution_chart(summary, width),
        "checkpoints": checkpoint_chart(summary, width),
    }
