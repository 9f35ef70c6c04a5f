"""Upload, check, confirm: every import perf has, run first as a dry run, then for real on confirmation.

``check`` keeps the file as an ``ImportRecord`` and runs ``run_check``: the kind's own importer
(the one the command line uses) inside a savepoint that is rolled back, so checking and applying
are one code path and nothing is written. Read back against the stored data, its result is the
preview: per project what would be added, changed (with the changes) or left unchanged, and every
problem with its table and row or line. ``apply`` runs the check again; when the preview is no
longer the one the user saw (the stored data changed in between) it refuses, else it runs the
importer for real: all or nothing. ``run_check`` and ``apply`` take the record and need no request:
a file larger than ``IMPORT_BACKGROUND_KB`` is checked by a background job (kind ``import_check``,
registered with perf.jobs below), its record ``checking`` until the worker is done. Services flush;
the boundary commits.
"""

from flask import current_app, g
from sqlalchemy import select

from perf.actuals.importer import import_actuals
from perf.audit import services as audit_log
from perf.auth.permissions import can_edit, can_review
from perf.db import one_import_at_a_time, utcnow
from perf.documents.disclosure import Problem, load_disclosure
from perf.documents.flat import FlatTargets, load_targets
from perf.documents.importer import import_disclosure, sha256
from perf.errors import RuleError
from perf.extensions import db
from perf.fields import visible
from perf.imports.models import KINDS, ImportRecord
from perf.imports.preview import Preview, fingerprint, preview_of
from perf.jobs import services as jobs
from perf.jobs.kinds import JobRefused, Kind, Outcome, register
from perf.projects.models import Project
from perf.spending.importer import import_payments
from perf.targets.importer import import_targets

#: Kinds whose rows belong to projects (owners for their units, reviewers for their department).
ROW_KINDS = ("payments", "actuals")
#: Roles that may upload each kind.
UPLOADERS: dict[str, frozenset[str]] = {
    "disclosure": frozenset({"reviewer", "admin"}),
    "targets": frozenset({"owner", "reviewer", "admin"}),
    "payments": frozenset({"owner", "reviewer"}),
    "actuals": frozenset({"owner", "reviewer"}),
}
#: How a refused drop of recorded indicators is confirmed (the preview's checkbox, ``ApplyForm``).
CONFIRM_DROP = "如确认删除，请勾选“确认删除上述指标及其已填报的数据”后再导入"
#: The kinds the page offers, the most frequent first.
OFFERED = ("payments", "actuals", "targets", "disclosure")


def kinds_for(user) -> dict[str, str]:
    """The kinds ``user`` may upload, with their Chinese names (for the page's choice)."""
    return {kind: KINDS[kind] for kind in OFFERED if user.role in UPLOADERS[kind]}


def check(kind: str, filename: str, data: bytes, user) -> ImportRecord:
    """Keep the file as a record and check it without writing: at once, or by a job when the file is large.

    RuleError for a kind the user may not upload. A record checked in the background is ``checking``
    (with ``job_id``) when this returns; its page and ``GET /api/v1/imports/{id}`` follow the job.
    """
    record = receive(kind, filename, data, user)
    if len(data) > int(current_app.config["IMPORT_BACKGROUND_KB"]) * 1024:
        job = jobs.start(CHECK_JOB, {"record_id": record.id, "filename": record.filename}, user)
        record.job_id = job.id
    else:
        run_check(record)
    return record


def receive(kind: str, filename: str, data: bytes, user) -> ImportRecord:
    """The file as a record in ``checking``; refuses an unknown kind, an empty file, a kind not the user's."""
    if kind not in KINDS:
        raise RuleError({"kind": [f"请选择导入的数据类型：{'、'.join(KINDS.values())}"]})
    if user.role not in UPLOADERS[kind]:
        raise RuleError({"kind": [f"您的角色不能导入{KINDS[kind]}"]}, "forbidden")
    if not data:
        raise RuleError({"file": ["请选择要导入的文件（文件不能为空）"]})
    record = ImportRecord(
        kind=kind,
        status="checking",
        progress=0,
        filename=(filename or "未命名文件")[-255:],
        digest=sha256(data),
        data=data,
        user_id=user.id,
        summary={},
        problems=[],
        preview=[],
        fingerprint="",
    )
    db.session.add(record)
    db.session.flush()
    return record


def run_check(record: ImportRecord) -> ImportRecord:
    """Check the record's file (a dry run of its importer) and keep the preview; status checked (or failed)."""
    record.status, record.progress = "checking", 0
    try:
        preview = _dry_run(record)
    except Exception:  # a file that breaks a reader must leave a record that says so, not a 500
        record.status, record.progress, record.checked_at = "failed", 100, utcnow()
        record.problems = [{"where": "文件", "message": "检查文件时出错，未导入任何内容；请确认文件格式后重新上传"}]
        db.session.flush()
        return record
    _keep(record, preview)
    record.status, record.progress, record.checked_at = "checked", 100, utcnow()
    counts = record.summary
    audit_log.record(
        record.user.username,
        "import.check",
        "import_record",
        record.id,
        f"检查{record.kind_label}“{record.filename}”：新增 {counts['new']}，变更 {counts['changed']}，"
        f"未变 {counts['unchanged']}，问题 {len(record.problems)} 处",
    )
    db.session.flush()
    return record


def apply(record: ImportRecord, user, drop_recorded: bool = False) -> ImportRecord:
    """Write a checked file without problems, all or nothing; RuleError (conflict) when it may not be applied now.

    A file that drops indicators carrying recorded data (the preview's ``dropping``) is applied only
    with ``drop_recorded`` (the preview's checkbox, the API's ``?drop_recorded=true``). The same record
    applied twice at once (a double click) is applied once: the second waits for the first to commit, then
    reads the record as applied.
    """
    one_import_at_a_time(db.session)  # before the dry run, whose savepoint would release a lock taken inside it
    db.session.refresh(record, ["status"])
    if record.status == "applied":
        raise RuleError({"": ["该文件已导入，不能重复导入"]}, "conflict")
    if not record.can_apply:
        raise RuleError({"": ["检查未通过（或尚未检查完）的文件不能导入，请修改后重新上传"]}, "conflict")
    if sha256(record.data) != record.digest:
        raise RuleError({"": ["文件已损坏（校验值不符），请重新上传"]}, "conflict")
    if fingerprint(_dry_run(record)) != record.fingerprint:
        raise RuleError({"": ["检查之后数据已有变化，预览已不准确：请重新上传文件检查后再确认"]}, "conflict")
    recorded = [row for row in record.dropping if row["recorded"]]
    if recorded and not drop_recorded:
        named = "；".join(
            f"{row['code']} {row['name']}（{row['level1']}·{row['level2']}）：{'、'.join(row['recorded'])}"
            for row in recorded
        )
        message = f"文件中已没有以下指标，它们已有填报的数据，导入会一并删除：{named}。{CONFIRM_DROP}"
        raise RuleError({"drop_recorded": [message]}, "conflict")
    result = _run(record)
    if result.problems:  # the dry run said otherwise a moment ago: nothing is written (the boundary rolls back)
        raise RuleError({"": [f"{p.location}：{p.message}" for p in result.problems]}, "conflict")
    record.status, record.applied_at = "applied", utcnow()
    counts = record.summary
    audit_log.record(
        user.username,
        "import.apply",
        "import_record",
        record.id,
        f"导入{record.kind_label}“{record.filename}”：新增 {counts['new']}，变更 {counts['changed']}，"
        f"未变 {counts['unchanged']}{record.rows_sentence}",
        {"digest": [None, record.digest]},
    )
    db.session.flush()
    return record


def records_of(user) -> list[ImportRecord]:
    """The user's uploads, newest first (an admin sees everyone's), at most 200."""
    query = select(ImportRecord).order_by(ImportRecord.id.desc()).limit(200)
    if user.role != "admin":
        query = query.where(ImportRecord.user_id == user.id)
    return list(db.session.scalars(query))


def record_by_id(record_id: int) -> ImportRecord | None:
    """One upload, or None."""
    return db.session.get(ImportRecord, record_id)


def may_see(user, record: ImportRecord) -> bool:
    """Its uploader, and admins."""
    return record.user_id == user.id or user.role == "admin"


# --- the dry run and its preview -----------------------------------------------------------------


def _dry_run(record: ImportRecord) -> Preview:
    """The importer in a savepoint rolled back (and what it queued for after the commit dropped); its preview."""
    waiting = list(g.get("perf_after_commit", []))
    savepoint = db.session.begin_nested()
    try:
        result = _run(record)
    except RuleError as error:
        result = None
        problems = [{"where": "文件", "message": message} for message in error.messages]
    finally:
        savepoint.rollback()
        g.perf_after_commit = waiting
    if result is None:
        return Preview(problems=problems)
    return preview_of(result)


def _run(record: ImportRecord):
    """The kind's importer on the record's file, as the record's uploader.

    A replace may drop indicators with recorded data here: the check shows them (``dropping``) and
    ``apply`` runs it only once the uploader confirmed.
    """
    user = record.user
    actor = user.username
    if record.kind == "payments":
        return import_payments(record.data, record.filename, actor, refuse=_refusal(user, "支付记录"))
    if record.kind == "actuals":
        return import_actuals(record.data, record.filename, actor, refuse=_refusal(user, "实际完成值"))
    if record.kind == "targets":
        flat = load_targets(record.data, record.filename)
        if not flat.problems:
            flat.problems += _foreign_targets(user, flat)
        return import_targets(flat, record.digest, actor, replace=True, drop_recorded=True)
    disclosure = load_disclosure(record.data, record.filename)
    reviewing = user.department.code if user.department else None
    if not disclosure.problems and user.role != "admin" and reviewing != disclosure.department_code:
        raise RuleError({"": [f"文件是部门 {disclosure.department_code} 的预算公开文件，不是您审核的部门"]})
    return import_disclosure(disclosure, record.digest, actor, replace=True, drop_recorded=True)


def _foreign_targets(user, flat: FlatTargets) -> list[Problem]:
    """The projects of a flat file the uploader may not write: a reviewer's department, an owner's units."""
    if user.role == "admin":
        return []
    if user.role == "reviewer":
        if user.department is None or user.department.code != flat.department_code:
            return [Problem("文件", f"文件是部门 {flat.department_code} 的绩效目标表，不是您审核的部门")]
        return []
    mine = {unit.name for unit in user.units if unit.department.code == flat.department_code}
    return [
        Problem(table.location, f"无权导入单位“{table.unit}”的项目“{table.name}”（不是您负责的单位），未导入")
        for table in flat.projects
        if table.unit not in mine
    ]


def _refusal(user, what: str):
    """Owners import rows of their units' projects, reviewers of their department's; each other row is refused."""

    def refuse(project: Project) -> str | None:
        if user.role == "owner" and not can_edit(user, project):
            return f"无权导入项目 {project.code} 的{what}（不是本单位的项目），该行未导入"
        if user.role == "reviewer" and not can_review(user, project):
            return f"无权导入项目 {project.code} 的{what}（不是您审核的部门的项目），该行未导入"
        return None

    return refuse


def _keep(record: ImportRecord, preview: Preview) -> None:
    record.summary = preview.summary
    record.problems = [{key: visible(str(value)) for key, value in problem.items()} for problem in preview.problems]
    record.preview = preview.projects
    record.fingerprint = fingerprint(preview)


# --- the check as a background job -----------------------------------------------------------


#: The job kind that checks a large upload.
CHECK_JOB = "import_check"


def _check_job(params: dict, _user, progress) -> Outcome:
    """The worker's side of a large upload: check it, keep its preview; the job's note gives the counts."""
    record = db.session.get(ImportRecord, params["record_id"])
    if record is None:
        raise JobRefused("导入记录已不存在。")
    progress(0, 1)
    run_check(record)
    if record.status == "failed":  # the record says why; the job itself did its work
        return Outcome(note=record.problems[0]["message"])
    counts = record.summary
    return Outcome(
        note=f"检查完成：新增 {counts['new']}，变更 {counts['changed']}，未变 {counts['unchanged']}，"
        f"问题 {len(record.problems)} 处"
    )


def _check_failed(params: dict, reason: str) -> None:
    """The job failed (or its worker stopped): the record says so instead of staying ``checking``."""
    record = db.session.get(ImportRecord, params["record_id"])
    if record is not None and record.status == "checking":
        record.status, record.progress, record.checked_at = "failed", 100, utcnow()
        record.problems = [{"where": "文件", "message": f"检查未完成：{reason}"}]


register(CHECK_JOB, Kind("检查导入文件", _check_job, failed=_check_failed))
