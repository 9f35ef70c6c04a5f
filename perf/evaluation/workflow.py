"""The year-end self-evaluation (绩效自评) workflow: 填报中 → 待审核 → 已审核, or back with the reviewer's reasons.

The owner of the project's unit fills it (weights, 定性 bands, reasons, the outcome) once the
绩效目标表 is approved; submission is refused while the scoring lists problems (weights not
summing to 90, a missing actual or band, an over-achievement without a reason …). The reviewer
of the department signs it off or returns it. A submitted or signed evaluation is locked: its
rows, and the year's actual values, change only after the reviewer reopens it with a reason.
Submission and sign-off each keep a numbered version. Every step is audited. Services flush;
the view commits.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from perf.audit.models import AuditEntry
from perf.audit.services import record
from perf.auth.permissions import can_edit, can_review
from perf.db import utcnow
from perf.evaluation.models import EVALUATION_STATUS_LABELS, EvaluationRow, EvaluationVersion, SelfEvaluation
from perf.evaluation.scoring import ScoringError, band_range, default_weights, find_band
from perf.evaluation.services import evaluation_of, scoring_settings
from perf.extensions import db
from perf.numbers import fmt2, plain
from perf.projects.indicator_value import Kind
from perf.projects.models import Project
from perf.workflow import locks

#: Text limits of the form (the columns are TEXT; these keep a 自评表 printable).
MAX_OUTCOME = 2000
MAX_REASON = 1000
#: 全年预算数 and 上年结转 are Numeric(14, 2) in 万元.
MAX_AMOUNT = Decimal(10) ** 12


class EvaluationError(ValueError):
    """A save or step that is refused; ``messages`` for the page, ``fields`` per form field, in Chinese."""

    def __init__(self, messages: list[str] | None = None, fields: dict[str, list[str]] | None = None):
        self.messages = list(messages or [])
        self.fields = dict(fields or {})
        flat = self.messages + [m for found in self.fields.values() for m in found]
        super().__init__("；".join(flat))


@dataclass(frozen=True)
class RowData:
    """What the owner entered for one indicator."""

    indicator_id: int
    weight: Decimal | None
    band: str | None = None
    band_score: Decimal | None = None
    reason: str = ""


@dataclass(frozen=True)
class EvaluationData:
    """The owner's self-evaluation form; ``lock_version`` is the version the form was filled from."""

    outcome: str
    rows: tuple[RowData, ...]
    full_year_budget: Decimal | None = None
    carried_over: Decimal | None = None
    lock_version: int | None = None


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


def save(project: Project, user, data: EvaluationData) -> SelfEvaluation:
    """Store the owner's entries (a draft may be incomplete; submission checks completeness)."""
    _require(can_edit(user, project), "只有本单位的项目负责人可以填报绩效自评")
    _require(project.status == "approved", "绩效目标表批复后才能填报绩效自评")
    evaluation = stored_evaluation(project)
    _require(status_of(evaluation) == "draft", f"绩效自评{EVALUATION_STATUS_LABELS[status_of(evaluation)]}，不能修改")
    if evaluation and data.lock_version is not None and data.lock_version != evaluation.lock_version:
        raise EvaluationError(["绩效自评已被他人修改，请刷新页面后重新填写（您填写的内容未保存）"])
    fields = _check(project, data)
    if fields:
        raise EvaluationError(fields=fields)
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
    db.session.flush()
    return evaluation


def _check(project: Project, data: EvaluationData) -> dict[str, list[str]]:
    """Field name -> messages; field names are ``outcome``, ``rows-<i>-weight`` and so on."""
    fields: dict[str, list[str]] = {}
    if len(data.outcome.strip()) > MAX_OUTCOME:
        fields.setdefault("outcome", []).append(f"最多 {MAX_OUTCOME} 个字")
    for name in ("full_year_budget", "carried_over"):
        amount = getattr(data, name)
        if amount is not None and amount >= MAX_AMOUNT:
            fields.setdefault(name, []).append("金额过大（整数部分最多 12 位）")
    indicators = {ind.id: ind for ind in project.indicators}
    if sorted(row.indicator_id for row in data.rows) != sorted(indicators):
        return {**fields, "rows": ["指标与绩效目标表不一致，请刷新页面后重新填写"]}
    settings = scoring_settings()
    for index, row in enumerate(data.rows):
        for name, message in _row_problems(indicators[row.indicator_id], row, settings):
            fields.setdefault(f"rows-{index}-{name}", []).append(message)
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
    if row.band_score is not None and row.band_score > most:
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
    top = band.high_pct == 100
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


def _content(evaluation: SelfEvaluation, names: dict[int, str]) -> dict[str, str | None]:
    """A flat, comparable view of what the owner entered (for the audit entry's before/after)."""
    content = {
        "实际完成情况": evaluation.outcome or "",
        "全年预算数": fmt2(evaluation.full_year_budget),
        "上年结转资金": fmt2(evaluation.carried_over),
    }
    for row in evaluation.rows:
        name = names.get(row.indicator_id, str(row.indicator_id))
        content[f"{name}分值"] = fmt2(row.weight)
        if row.band:
            content[f"{name}评价档次"] = f"{row.band} {fmt2(row.band_score)}"
        content[f"{name}偏差原因"] = row.reason or ""
    return content


# --- steps ------------------------------------------------------------------------------------


def submit(project: Project, user, comment: str = "") -> SelfEvaluation:
    """The owner hands the evaluation in; refused while the scoring lists problems."""
    _require(can_edit(user, project), "只有本单位的项目负责人可以提交绩效自评")
    _require(project.status == "approved", "绩效目标表批复后才能提交绩效自评")
    evaluation = stored_evaluation(project)
    _require(evaluation is not None, "请先填写并保存绩效自评")
    _require(evaluation.status == "draft", f"绩效自评{evaluation.status_label}，不能提交")
    scored = evaluation_of(project)
    if scored.problems:
        raise EvaluationError(["绩效自评还不能提交：", *scored.problems])
    _step(evaluation, user, "submitted", "submit", comment, f"提交绩效自评 {project.code}（{fmt2(scored.total)} 分）")
    _keep(evaluation, "submitted", user, comment)
    return evaluation


def return_for_changes(project: Project, user, comment: str) -> SelfEvaluation:
    """The reviewer sends a submitted evaluation back to its owner; a reason is required."""
    evaluation = _reviewable(project, user, "退回")
    _require(evaluation.status == "submitted", f"绩效自评{evaluation.status_label}，不能退回")
    _require(bool(comment.strip()), "退回时必须填写审核意见")
    _step(evaluation, user, "draft", "return", comment, f"退回绩效自评 {project.code}：{comment.strip()}")
    return evaluation


def sign_off(project: Project, user, comment: str = "") -> SelfEvaluation:
    """The reviewer signs a submitted evaluation off (审核通过); it is locked and kept as a version."""
    evaluation = _reviewable(project, user, "审核")
    _require(evaluation.status == "submitted", f"绩效自评{evaluation.status_label}，不能审核通过")
    scored = evaluation_of(project)
    if scored.problems:  # data changed since submission (e.g. a payment): the reviewer returns it instead
        raise EvaluationError(["提交后数据有变动，绩效自评还不完整，请退回项目负责人：", *scored.problems])
    evaluation.signed_by_id, evaluation.signed_at = user.id, utcnow()
    _step(evaluation, user, "signed", "sign", comment, f"审核通过绩效自评 {project.code}（{fmt2(scored.total)} 分）")
    _keep(evaluation, "signed", user, comment)
    return evaluation


def reopen(project: Project, user, comment: str) -> SelfEvaluation:
    """The reviewer reopens a signed evaluation for corrections (the signed version stays kept)."""
    evaluation = _reviewable(project, user, "重新打开")
    _require(evaluation.status == "signed", f"绩效自评{evaluation.status_label}，无需重新打开")
    _require(bool(comment.strip()), "重新打开时必须填写原因")
    evaluation.signed_by_id, evaluation.signed_at = None, None
    _step(evaluation, user, "draft", "reopen", comment, f"重新打开绩效自评 {project.code}：{comment.strip()}")
    return evaluation


def _reviewable(project: Project, user, what: str) -> SelfEvaluation:
    _require(can_review(user, project), f"只有本部门的财务审核可以{what}绩效自评")
    evaluation = stored_evaluation(project)
    _require(evaluation is not None, "项目还没有填报绩效自评")
    return evaluation


def _step(evaluation: SelfEvaluation, user, status: str, action: str, comment: str, summary: str) -> None:
    before = evaluation.status_label
    evaluation.status = status
    changes = {"状态": [before, evaluation.status_label]}
    if comment.strip():
        changes["意见"] = [None, comment.strip()]
    record(user.username, f"self_evaluation.{action}", "project", evaluation.project_id, summary, changes)
    db.session.flush()


def _keep(evaluation: SelfEvaluation, kind: str, user, comment: str) -> EvaluationVersion:
    """Freeze the scoring and the owner's texts as the evaluation's next version."""
    last = db.session.scalar(
        select(func.max(EvaluationVersion.number)).where(EvaluationVersion.evaluation_id == evaluation.id)
    )
    snapshot = {
        "scoring": evaluation_of(evaluation.project).to_json(),
        "outcome": evaluation.outcome,
        "full_year_budget": fmt2(evaluation.full_year_budget),
        "carried_over": fmt2(evaluation.carried_over),
        "comment": comment.strip(),
    }
    version = EvaluationVersion(
        evaluation_id=evaluation.id, number=(last or 0) + 1, kind=kind, snapshot=snapshot, created_by=user.username
    )
    db.session.add(version)
    db.session.flush()
    return version


def versions_of(evaluation: SelfEvaluation | None) -> list[EvaluationVersion]:
    """Kept versions, oldest first."""
    if evaluation is None:
        return []
    query = select(EvaluationVersion).where(EvaluationVersion.evaluation_id == evaluation.id)
    return list(db.session.scalars(query.order_by(EvaluationVersion.number)))


def version_of(evaluation: SelfEvaluation | None, number: int) -> EvaluationVersion | None:
    """One kept version by number."""
    if evaluation is None:
        return None
    query = select(EvaluationVersion).where(
        EvaluationVersion.evaluation_id == evaluation.id, EvaluationVersion.number == number
    )
    return db.session.scalar(query)


def is_locked(evaluation: SelfEvaluation | None) -> bool:
    """Submitted or signed (a project nobody started is not)."""
    return evaluation is not None and evaluation.locked


def history_of(project: Project) -> list[AuditEntry]:
    """The evaluation's steps (submit, return, sign, reopen) from the audit log, newest first."""
    query = select(AuditEntry).where(
        AuditEntry.object_type == "project",
        AuditEntry.object_id == str(project.id),
        AuditEntry.action.in_([f"self_evaluation.{step}" for step in ("submit", "return", "sign", "reopen")]),
    )
    return list(db.session.scalars(query.order_by(AuditEntry.id.desc())))


@locks.register
def _freezes(project_id: int, what: str) -> str | None:
    """A submitted or signed self-evaluation freezes the project's actual values."""
    if what != "actuals":
        return None
    evaluation = db.session.scalar(select(SelfEvaluation).where(SelfEvaluation.project_id == project_id))
    if evaluation is not None and evaluation.locked:
        return f"绩效自评{evaluation.status_label}，实际完成值已锁定（退回或重新打开后才能修改）"
    return None


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise EvaluationError([message])
