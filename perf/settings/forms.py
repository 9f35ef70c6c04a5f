"""The 系统设置 page's form as the partial object the service loads, and back (the values a page shows).

The page posts every setting; a lag rule row left without a condition is no rule; a blank password
keeps the one there is; the scoring's fields are merged over its current value.
"""

from perf.evaluation.settings import DEFAULT_SETTINGS, settings_from_config
from perf.numbers import plain
from perf.settings.schemas import SETTINGS

FLAGS = ("mail_use_tls", "mail_use_ssl")
#: The checkpoints of the years not yet under way (perf/settings/years.py), one box per year.
YEARS = "year_checkpoints"
#: Blank lag rule rows the page offers below the rules there are.
SPARE_RULES = 2
#: Rows of caps by 预算执行率 the page offers (filled or blank).
SPARE_CAPS = 4
#: The scoring's yes/no settings, as the page names them.
SCORING_FLAGS = {
    "reverse_over_achievement": "反向指标优于目标时也须说明原因",
    "reason_for_unmet": "未完成目标的指标须说明原因",
    "level1_sums_fixed": "各一级指标分值合计固定",
}


def scoring_view(value: dict) -> dict:
    """The scoring fields the page shows, from a self_evaluation value (its defaults filled in)."""
    try:
        settings = settings_from_config(value or {})
    except (ValueError, TypeError, ArithmeticError):
        settings = DEFAULT_SETTINGS
    return {
        "execution_weight": plain(settings.execution_weight),
        "reverse_formula": settings.reverse_formula,
        "over_achievement_pct": plain(settings.over_achievement_pct),
        "points_2020": [(name, plain(points)) for name, points in settings.points_2020],
        "points_2021": [(name, plain(points)) for name, points in settings.points_2021],
        "grade_bands": [(plain(threshold), label) for threshold, label in settings.grade_bands],
        "score_caps": [(plain(below), plain(cap)) for below, cap in settings.score_caps]
        + [("", "")] * (SPARE_CAPS - len(settings.score_caps)),
        "bands": [(b.key, b.label, plain(b.low_pct), plain(b.high_pct)) for b in settings.bands],
        "red_gap_pct": plain(settings.red_gap_pct),
        "yellow_unspent_pct": plain(settings.yellow_unspent_pct),
        **{flag: getattr(settings, flag) for flag in SCORING_FLAGS},
    }


def shown(values: dict) -> dict:
    """What the page's inputs hold for effective values (by name): lag rules with spare rows, the scoring's fields."""
    view = dict(values)
    view["lag_rules"] = [list(rule) for rule in values["lag_rules"]] + [["", "", ""]] * SPARE_RULES
    view["scoring"] = scoring_view(values["self_evaluation"])
    view["default_checkpoints"] = ", ".join(values["default_checkpoints"])
    view["extra_units"] = ", ".join(values["extra_units"] or ())
    view[YEARS] = {year: ", ".join(days) for year, days in (values.get(YEARS) or {}).items()}
    return view


def parse(form, current: dict) -> tuple[dict, dict]:
    """(partial object for the service, what the page shows again if it is refused) from the posted form."""
    data: dict = {}
    for spec in SETTINGS:
        if spec.name in ("lag_rules", "self_evaluation"):
            continue
        if spec.name in FLAGS:
            data[spec.name] = spec.name in form
        else:
            data[spec.name] = form.get(spec.name, "")
    rules = []
    for i in range(int(form.get("lag_count", "0") or 0) if form.get("lag_count", "").isdigit() else 0):
        condition = form.get(f"lag-{i}-condition", "")
        if condition:
            threshold = form.get(f"lag-{i}-threshold", "").strip()
            rules.append([condition, threshold or None, form.get(f"lag-{i}-level", "")])
    data["lag_rules"] = rules
    scoring, scoring_shown = _scoring(form, current.get("self_evaluation") or {})
    if scoring is not None:
        data["self_evaluation"] = scoring
    typed = {**data, "lag_rules": [[c, t or "", lv] for c, t, lv in rules] + [["", "", ""]] * SPARE_RULES}
    typed["scoring"] = scoring_shown
    years, years_typed = _year_checkpoints(form, current.get(YEARS) or {})
    if years:
        data[YEARS] = years
    typed[YEARS] = years_typed
    return data, typed


def _year_checkpoints(form, current: dict) -> tuple[dict, dict]:
    """The years whose checkpoints the form changes ({"2027": "03-31, …"}), and every year's box as typed."""
    typed = {year: form.get(f"year-{year}-checkpoints", ", ".join(days)).strip() for year, days in current.items()}
    changed = {year: text for year, text in typed.items() if text != ", ".join(current[year])}
    return changed, typed


def _scoring(form, current: dict) -> tuple[dict | None, dict]:
    """The self_evaluation value the form gives (None when it changes nothing) and its fields as typed."""
    before = scoring_view(current)
    typed = {
        "execution_weight": form.get("se-execution_weight", "").strip(),
        "reverse_formula": form.get("se-reverse_formula", ""),
        "over_achievement_pct": form.get("se-over_achievement_pct", "").strip(),
        "points_2020": [(n, form.get(f"se-p2020-{i}", "").strip()) for i, (n, _) in enumerate(before["points_2020"])],
        "points_2021": [(n, form.get(f"se-p2021-{i}", "").strip()) for i, (n, _) in enumerate(before["points_2021"])],
        "grade_bands": [(form.get(f"se-grade-{i}", "").strip(), lb) for i, (_, lb) in enumerate(before["grade_bands"])],
        "score_caps": [
            (form.get(f"se-cap-{i}-below", "").strip(), form.get(f"se-cap-{i}-max", "").strip())
            for i in range(max(SPARE_CAPS, len(before["score_caps"])))
        ],
        "bands": [
            (
                key,
                form.get(f"se-band-{i}-label", label).strip(),
                form.get(f"se-band-{i}-low", "").strip(),
                form.get(f"se-band-{i}-high", "").strip(),
            )
            for i, (key, label, _, _) in enumerate(before["bands"])
        ],
        "red_gap_pct": form.get("se-red_gap_pct", "").strip(),
        "yellow_unspent_pct": form.get("se-yellow_unspent_pct", "").strip(),
        **{flag: f"se-{flag}" in form for flag in SCORING_FLAGS},
    }
    if typed == before:
        return None, typed
    value = dict(current)
    value.update(
        execution_weight=typed["execution_weight"],
        reverse_formula=typed["reverse_formula"],
        over_achievement_pct=typed["over_achievement_pct"],
        points_2020=dict(typed["points_2020"]),
        points_2021=dict(typed["points_2021"]),
        grade_bands=[[threshold, label] for threshold, label in typed["grade_bands"]],
        score_caps=[[below, cap] for below, cap in typed["score_caps"] if below or cap],
        bands=[list(band) for band in typed["bands"]],
        red_gap_pct=typed["red_gap_pct"],
        yellow_unspent_pct=typed["yellow_unspent_pct"],
        **{flag: typed[flag] for flag in SCORING_FLAGS},
    )
    return value, typed
