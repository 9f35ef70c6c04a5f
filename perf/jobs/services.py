"""Starting a job and reading one: the rules of who may start, see and download what."""

import json
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from perf.audit.services import record
from perf.boundary import after_commit
from perf.errors import RuleError
from perf.extensions import db
from perf.jobs.kinds import FORMATS, KINDS
from perf.jobs.models import Job
from perf.jobs.queue import enqueue
from perf.jobs.runner import results_folder
from perf.org.models import BudgetYear, Department

#: How many of a user's jobs the 我的任务 list shows.
RECENT = 20


def may_start(user, kind: str) -> bool:
    """True when ``user`` may start a job of ``kind``."""
    roles = KINDS[kind].roles
    return roles is None or user.role in roles


def start(kind: str, params: dict, user) -> Job:
    """Record a job of ``kind`` for ``user`` and queue it once the request has committed (flushes)."""
    known = KINDS[kind]
    if not may_start(user, kind):
        raise RuleError(f"您的角色不能启动“{known.label}”。", kind="forbidden")
    if known.formats and params.get("format") not in known.formats:
        raise RuleError({"format": ["请选择文件格式：" + "、".join(FORMATS[f][0] for f in known.formats)]})
    job = Job(kind=kind, params=json.dumps(params, ensure_ascii=False), user_id=user.id)
    db.session.add(job)
    db.session.flush()
    record(user.username, "job.start", "job", job.id, describe(job))
    job_id = job.id
    after_commit(lambda: enqueue(job_id))  # the worker must find the committed row
    return job


def department_exists(code: str, year: int) -> bool:
    """True when both the department and the budget year exist."""
    department = db.session.scalar(select(Department.id).where(Department.code == code))
    budget_year = db.session.scalar(select(BudgetYear.id).where(BudgetYear.year == year))
    return department is not None and budget_year is not None


def start_scan(user, as_of: date) -> Job:
    """Queue the milestone scan for ``as_of``."""
    return start("scan", {"as_of": as_of.isoformat()}, user)


def job_by_id(job_id: int) -> Job | None:
    """The job with this id, if any."""
    return db.session.get(Job, job_id)


def may_see(user, job: Job) -> bool:
    """Only the user who started a job, or an admin, sees it and downloads its result."""
    return user.role == "admin" or job.user_id == user.id


def describe(job: Job) -> str:
    """The job in a person's words: ``306 2024年 全部项目绩效自评表（PDF）``."""
    params = json.loads(job.params)
    label = KINDS[job.kind].label
    if "format" in params:
        label += f"（{FORMATS[params['format']][0]}）"
    if "department" in params:
        return f"部门 {params['department']} {params['year']}年 {label}"
    if "as_of" in params:
        return f"{label}（截至 {params['as_of']}）"
    if "filename" in params:
        return f"{label}：{params['filename']}"
    return label


def result_path(job: Job) -> Path | None:
    """The result file of a finished job, if it has one and it is still there."""
    if job.status != "done" or not job.result_file:
        return None
    path = results_folder(current_app) / job.result_file
    return path if path.is_file() else None


def status_of(job: Job, download_url: str | None) -> dict:
    """The job's state for its page's poller."""
    return {
        "id": job.id,
        "status": job.status,
        "status_label": job.status_label,
        "done": job.done,
        "total": job.total,
        "note": job.note or "",
        "error": job.error or "",
        "download_url": download_url,
    }


def recent_jobs(user) -> list[Job]:
    """The user's latest jobs, newest first (an admin's list holds everyone's)."""
    query = select(Job).order_by(Job.id.desc()).limit(RECENT)
    if user.role != "admin":
        query = query.where(Job.user_id == user.id)
    return list(db.session.scalars(query))
