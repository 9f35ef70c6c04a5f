"""The year-end self-evaluation (绩效自评): the owner's entries and the workflow as a declared table.

填报中 → 待审核 → 已审核, or back with the reviewer's reasons. The owner of the project's unit fills
it (weights, 定性 bands, reasons, the outcome) once the 绩效目标表 is approved; submission is
refused while the scoring lists problems (weights not summing to 90, a missing actual or band,
an over-achievement without a reason …). The reviewer of the department signs it off or returns
it. A submitted or signed evaluation freezes its entries and the year's actual values until the
reviewer returns or reopens it. Submission and sign-off each keep a version. The engine
(``perf.workflow.engine``) takes the steps; pages, the API and ``perf step`` follow this table.
Services flush; the boundary commits.
"""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from perf.audit import labels
from perf.audit.services import record
from perf.auth.permissions import can_edit
from perf.db import is_unique_violation, utcnow
from perf.errors import Problems, RuleError
from perf.evaluation.models import EVALUATION_STATUS_LABELS, EvaluationRow, SelfEvaluation
from perf.evaluation.schemas import MAX_OUTCOME, MAX_REASON, EvaluationData, RowData, load_entries_leniently
from perf.evaluation.scoring import ScoringError, band_range, default_weights, find_band
from perf.evaluation.services import evaluation_of, scoring_settings
from perf.extensions import db
from perf.fields import unsavable
from perf.numbers import WAN_INTEGER_DIGITS, fmt2, plain, wan_text
from perf.projects.indicator_value import Kind
from perf.projects.models import Project
from perf.versions import UNREADABLE
from perf.workflow.engine import State, Transition, Workflow, events, register, version, versions
from perf.workflow.models import KeptVersion


def stored_evaluation(project: Project) -> SelfEvaluation | None:
    """The project's self-evaluation, if one was started."""
    return db.session.scalar(select(SelfEvaluation).where(SelfEvaluation.project_id == project.id))


def status_of(evaluation: SelfEvaluation | None) -> str:
    """draft / submitted / signed; a project nobody started is a draft."""
    return evaluation.status if evaluation else "draft"


def current_rows(project: Project) -> list[RowData]:
    """The rows as the form shows them: stored values, else the default even split of weights."""
    evaluation = stored_evaluation(project)
    stored = {row.indicator_id: row for row in evaluation.rows} if evaluation else {}
    defaults = default_weights(project.indicators, scoring_settings(), project.budget_year.scheme)
    rows = []
    for indicator, default in zip(project.indicators, defaults, strict=True):
        row = stored.get(indicator.id)
        if row is None:
            rows.append(RowData(indicator.id, default))
        else:
            weight = row.weight if row.weight is not None else default
            rows.append(RowData(indicator.id, weight, row.band, row.band_score, row.reason or ""))
    return rows


#: What a save from a page older than another save is told.
STALE_EVALUATION = (
    "绩效自评在您打开后已被他人修改，您的保存未生效。您填写的内容仍保留在下方；"
    "请先在新窗口打开自评核对他人的修改，确认后再次保存将以您填写的内容为准。"
)


def save(project: Project, user, raw, lock_version: int | None = None) -> SelfEvaluation:
    """Store the owner's entries as given (a draft may be incomplete; submission checks completeness).

    ``lock_version`` is the version the form was filled from: another save in between is refused.
    """
    _require(can_edit(user, project), "只有本单位的项目负责人可以填报绩效自评", "forbidden")
    _require(project.status == "approved", "绩效目标表批复后才能填报绩效自评")
    evaluation = stored_evaluation(project)
    _require(status_of(evaluation) == "draft", f"绩效自评{EVALUATION_STATUS_LABELS[status_of(evaluation)]}，不能修改")
    # 0: the page showed no stored evaluation; one stored since is someone else's first save
    stale = lock_version is not None and lock_version != (evaluation.lock_version if evaluation else 0)
    if stale or lock_version == UNREADABLE:  # a version no page gave out is no version to save against
        raise RuleError(STALE_EVALUATION, "stale")
    data, unreadable = load_entries_leniently(raw)  # every problem at once: what could be read is checked too
    problems = Problems()
    if unreadable is not None:
        problems.merge(unreadable)
    for path, messages in (_check(project, data) if data is not None else {}).items():
        if path not in problems.errors:  # a field the schema could not read says so once
            problems.add(path, *messages)
    problems.raise_if_any()
    if evaluation is None:
        evaluation = SelfEvaluation(project_id=project.id, status="draft")
        db.session.add(evaluation)
    names = {indicator.id: indicator.name for indicator in project.indicators}
    before = _content(evaluation, names)
    _apply(evaluation, data, project)
    after = _content(evaluation, names)
    changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
    if changes:
        evaluation.updated_at = utcnow()  # a change to the rows alone must also bump lock_version
        record(user.username, "self_evaluation.save", "project", project.id, f"填报绩效自评 {project.code}", changes)
    try:
        db.session.flush()
    except IntegrityError as error:  # two first saves at once: the other one's row is there now
        if not is_unique_violation(error):
            raise
        raise RuleError(STALE_EVALUATION, "stale") from error
    return evaluation


def import_weights(project: Project, weights, actor: str, new: bool = False) -> int:
    """Set the self-evaluation weights an imported table gives (in indicator order; None keeps the row's).

    Only while the self-evaluation is a draft (or not begun): a submitted or signed one keeps its
    weights. Returns how many indicators got a weight from the file; the import's audit entry says so.
    ``new``: the import has just created the project, so it has no self-evaluation to look up (the
    caller flushes the new ones together).
    """
    evaluation = None if new else stored_evaluation(project)
    if status_of(evaluation) != "draft":
        return 0
    if evaluation is None:
        evaluation = SelfEvaluation(project_id=project.id, status="draft")
        db.session.add(evaluation)
    rows = {row.indicator_id: row for row in evaluation.rows}
    set_count = 0
    for indicator, weight in zip(project.indicators, weights, strict=False):
        if weight is None:
            continue
        row = rows.get(indicator.id)
        if row is None:
            evaluation.rows.append(EvaluationRow(indicator_id=indicator.id, weight=weight))
        elif row.weight != weight:
            row.weight = weight
        set_count += 1
    if not new:
        db.session.flush()
    return set_count


def _check(project: Project, data: EvaluationData) -> dict[str, list[str]]:
    """Path -> messages: ``outcome``, ``rows.<i>.weight`` and so on."""
    fields: dict[str, list[str]] = {}
    if len(data.outcome.strip()) > MAX_OUTCOME:
        fields.setdefault("outcome", []).append(f"最多 {MAX_OUTCOME} 个字")
    elif refused := unsavable(data.outcome, "年度总体目标实际完成情况"):
        fields.setdefault("outcome", []).append(refused)
    for name in ("full_year_budget", "carried_over"):
        amount = getattr(data, name)
        if amount is not None and amount >= Decimal(10) ** WAN_INTEGER_DIGITS:
            fields.setdefault(name, []).append(f"金额过大（整数部分最多 {WAN_INTEGER_DIGITS} 位）")
    indicators = {ind.id: ind for ind in project.indicators}
    if sorted(row.indicator_id for row in data.rows) != sorted(indicators):
        return {**fields, "rows": ["指标与绩效目标表不一致，请刷新页面后重新填写"]}
    settings = scoring_settings()
    for index, row in enumerate(data.rows):
        for name, message in _row_problems(indicators[row.indicator_id], row, settings):
            fields.setdefault(f"rows.{index}.{name}", []).append(message)
    return fields


def _row_problems(indicator, row: RowData, settings) -> list[tuple[str, str]]:
    """(field, message) for one row: the weight and reason, then a 定性 row's band and score."""
    most = settings.indicator_points
    problems = []
    if row.weight is None:
        problems.append(("weight", "请填写分值"))
    elif row.weight > most:
        problems.append(("weight", f"分值不能超过 {fmt2(most)}"))
    if len(row.reason.strip()) > MAX_REASON:
        problems.append(("reason", f"最多 {MAX_REASON} 个字"))
    elif refused := unsavable(row.reason, "偏差原因分析及改进措施"):
        problems.append(("reason", refused))
    if row.band_score is not None and row.band_score > most:
        if row.weight is not None and row.weight <= most:  # the row's own 分值 is the useful bound
            return [*problems, ("band_score", f"得分不能超过本行分值 {fmt2(row.weight)}")]
        return [*problems, ("band_score", f"得分不能超过 {fmt2(most)}")]
    if indicator.kind == Kind.QUALITATIVE:
        problems += _band_problems(row, settings)
    return problems


def _band_problems(row: RowData, settings) -> list[tuple[str, str]]:
    """A 定性 row: a known band, and a score inside it for the row's weight."""
    if row.band is None:
        return [("band", "请选择评价档次")] if row.band_score is not None else []
    try:
        band = find_band(row.band, settings)
    except ScoringError as error:
        return [("band", str(error))]
    if row.band_score is None:
        return [("band_score", "请填写得分")]
    if row.weight is None:
        return []
    low, high = band_range(band, row.weight)
    top = band.includes_high
    if row.band_score < low or row.band_score > high or (row.band_score == high and not top):
        upper = f"不超过 {plain(high)}" if top else f"低于 {plain(high)}"
        return [("band_score", f"“{band.label}”的得分应不低于 {plain(low)} 且{upper}")]
    return []


def _apply(evaluation: SelfEvaluation, data: EvaluationData, project: Project) -> None:
    qualitative = {indicator.id for indicator in project.indicators if indicator.kind == Kind.QUALITATIVE}
    settings = scoring_settings()
    evaluation.outcome = data.outcome.strip()
    evaluation.full_year_budget = data.full_year_budget
    evaluation.carried_over = data.carried_over
    stored = {row.indicator_id: row for row in evaluation.rows}
    for entry in data.rows:
        row = stored.get(entry.indicator_id)
        if row is None:
            row = EvaluationRow(indicator_id=entry.indicator_id)
            evaluation.rows.append(row)
        row.weight, row.reason = entry.weight, entry.reason.strip()
        banded = entry.band and entry.indicator_id in qualitative  # a band means nothing on a 定量 row
        row.band, row.band_score = (find_band(entry.band, settings).key, entry.band_score) if banded else (None, None)


@labels.value_words("评价档次")
def band_words() -> dict[str, str]:
    """The 评价档次 the audit entries hold by key (``partial 9.00``), by their configured names."""
    return {band.key: band.label for band in scoring_settings().bands}


def _content(evaluation: SelfEvaluation, names: dict[int, str]) -> dict[str, str | None]:
    """A flat, comparable view of what the owner entered (for the audit entry's before/after)."""
    content = {
        "实际完成情况": evaluation.outcome or "",
        "全年预算数": wan_text(evaluation.full_year_budget),
        "上年结转资金": wan_text(evaluation.carried_over),
    }
    for row in evaluation.rows:
        name = names.get(row.indicator_id, str(row.indicator_id))
        content[f"{name}分值"] = fmt2(row.weight)
        if row.band:
            content[f"{name}评价档次"] = f"{row.band} {fmt2(row.band_score)}"
        content[f"{name}偏差原因"] = row.reason or ""
    return content


# --- the workflow ------------------------------------------------------------------------------


def _ready(evaluation: SelfEvaluation, project: Project):
    """Submission: an approved table and a scoring with no problems; the scoring, for the version."""
    _require(project.status == "approved", "绩效目标表批复后才能提交绩效自评")
    scored = evaluation_of(project)
    if scored.problems:
        raise RuleError(["绩效自评还不能提交：", *scored.problems], "conflict")
    return scored


def _still_complete(evaluation: SelfEvaluation, project: Project):
    """Sign-off: data changed since submission (e.g. a payment) leaves problems, and the reviewer returns it."""
    scored = evaluation_of(project)
    if scored.problems:
        raise RuleError(["提交后数据有变动，绩效自评还不完整，请退回项目负责人：", *scored.problems], "conflict")
    return scored


def _signed(evaluation: SelfEvaluation, user, _comment: str) -> None:
    evaluation.signed_by_id, evaluation.signed_at = user.id, utcnow()


def _unsigned(evaluation: SelfEvaluation, _user, _comment: str) -> None:
    evaluation.signed_by_id, evaluation.signed_at = None, None


def _snapshot(evaluation: SelfEvaluation, scored, comment: str) -> dict:
    """The scoring and the owner's texts as they were when the version was kept."""
    return {
        "scoring": scored.to_json(),
        "outcome": evaluation.outcome,
        "full_year_budget": wan_text(evaluation.full_year_budget),
        "carried_over": wan_text(evaluation.carried_over),
        "comment": comment,
    }


SELF_EVALUATION = register(
    Workflow(
        name="self_evaluation",
        label="绩效自评",
        object_word="绩效自评",
        states={
            "draft": State("填报中"),
            "submitted": State("待审核", frozenset({"entries", "actuals"})),
            "signed": State("已审核", frozenset({"entries", "actuals"})),
        },
        transitions=(
            Transition(
                "submit",
                "提交审核",
                ("draft",),
                "submitted",
                "owner",
                verb="提交",
                cannot="不能提交",
                done="绩效自评已提交审核",
                summary=lambda p, comment, scored: f"提交绩效自评 {p.code}（{fmt2(scored.total)} 分）",
                keeps="submitted",
                check=_ready,
                doc="Submit the self-evaluation (owner); refused (409) while it lists problems",
            ),
            Transition(
                "withdraw",
                "撤回",
                ("submitted",),
                "draft",
                "owner",
                verb="撤回",
                cannot="不能撤回（只有待审核的绩效自评可以撤回）",
                done="绩效自评已撤回，可以继续修改",
                summary=lambda p, comment, scored: f"撤回绩效自评 {p.code}",
                doc="Withdraw a submitted self-evaluation the reviewer has not acted on yet (owner)",
            ),
            Transition(
                "return",
                "退回修改",
                ("submitted",),
                "draft",
                "reviewer",
                verb="退回",
                cannot="不能退回",
                done="绩效自评已退回项目负责人修改",
                summary=lambda p, comment, scored: f"退回绩效自评 {p.code}：{comment}",
                comment_required="退回时必须填写审核意见",
                doc="Return a submitted self-evaluation to its owner with a comment (reviewer)",
            ),
            Transition(
                "sign",
                "审核通过",
                ("submitted",),
                "signed",
                "reviewer",
                verb="审核",
                cannot="不能审核通过",
                done="绩效自评已审核通过并锁定",
                summary=lambda p, comment, scored: f"审核通过绩效自评 {p.code}（{fmt2(scored.total)} 分）",
                keeps="signed",
                check=_still_complete,
                effect=_signed,
                doc="Sign a submitted self-evaluation off (reviewer); it is locked and kept as a version",
            ),
            Transition(
                "reopen",
                "重新打开",
                ("signed",),
                "draft",
                "reviewer",
                verb="重新打开",
                cannot="无需重新打开",
                done="绩效自评已重新打开，项目负责人可以修改",
                summary=lambda p, comment, scored: f"重新打开绩效自评 {p.code}：{comment}",
                comment_required="重新打开时必须填写原因",
                effect=_unsigned,
                doc="Reopen a signed self-evaluation for corrections, with a reason (reviewer)",
            ),
        ),
        model=SelfEvaluation,
        project_column=SelfEvaluation.project_id,
        subject_of=lambda project: stored_evaluation(project),
        project_of=lambda evaluation: evaluation.project,
        state_label=lambda evaluation: evaluation.status_label,
        snapshot=_snapshot,
        refused="绩效自评{state}，{cannot}",
        audit_prefix="self_evaluation",
        missing={"owner": "请先填写并保存绩效自评", "reviewer": "项目还没有填报绩效自评"},
    )
)


def versions_of(evaluation: SelfEvaluation | None) -> list[KeptVersion]:
    """Kept versions, oldest first."""
    return versions(SELF_EVALUATION, evaluation)


def version_of(evaluation: SelfEvaluation | None, number: int) -> KeptVersion | None:
    """One kept version by number."""
    return version(SELF_EVALUATION, evaluation, number)


def history_of(project: Project) -> list:
    """The evaluation's steps (submit, return, sign, reopen), newest first."""
    return events(SELF_EVALUATION, project, newest_first=True)


def _require(condition: bool, message: str, kind: str = "conflict") -> None:
    if not condition:
        raise RuleError(message, kind)
