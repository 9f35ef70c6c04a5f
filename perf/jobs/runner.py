"""A job's boundary, run by the worker: mark it running, run its kind, keep the result or the reason.

The worker is the job's boundary (like a request's): it commits the job's progress as the kind
reports it, commits the kind's work once at the end together with the outcome, and runs what
waited for that commit (a scan's messages). A failure rolls the work back and keeps a Chinese
reason on the job; an unexpected one is logged with its traceback for the administrator.
"""

import json
import uuid
from pathlib import Path

from flask import Flask

from perf.auth.models import User
from perf.boundary import roll_back, run_after_commit
from perf.db import utcnow
from perf.errors import RuleError
from perf.evaluation.reports.pdf import PdfUnavailable
from perf.extensions import db
from perf.jobs.kinds import KINDS, JobRefused, Outcome
from perf.jobs.models import Job

#: What a failed job says when the cause is not one a person can act on.
UNEXPECTED = "任务执行时发生意外错误，请稍后重试；如仍失败，请联系系统管理员。"
#: What a job says when its worker was stopped before it finished.
INTERRUPTED = "后台执行进程在任务完成前停止了，任务没有完成，请重新开始。"


def results_folder(app: Flask) -> Path:
    """Where result files live: ``JOBS_FOLDER``, default instance/jobs."""
    folder = Path(app.config.get("JOBS_FOLDER") or Path(app.instance_path) / "jobs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def execute(app: Flask, job_id: int) -> None:
    """Run job ``job_id`` in its own app context (a job already finished is left alone)."""
    with app.app_context():
        job = db.session.get(Job, job_id)
        if job is None or job.status in ("done", "failed"):
            return
        job.status, job.started_at = "running", utcnow()
        db.session.commit()
        try:
            outcome = _run(job)
        except Exception as exc:  # every failure ends as a reason on the job, never as a dead worker
            _fail(app, job_id, exc)
            return
        _finish(app, job, outcome)


def _run(job: Job) -> Outcome:
    kind = KINDS[job.kind]
    user = db.session.get(User, job.user_id)
    job_id = job.id

    def progress(done: int, total: int) -> None:
        """Record how far the job got and commit it, so its page can show it at once."""
        row = db.session.get(Job, job_id)
        row.done, row.total = done, total
        db.session.commit()

    return kind.run(json.loads(job.params), user, progress)


def _finish(app: Flask, job: Job, outcome: Outcome) -> None:
    if outcome.data is not None:
        name = f"{job.id}-{uuid.uuid4().hex}{Path(outcome.name).suffix}"
        (results_folder(app) / name).write_bytes(outcome.data)
        job.result_file, job.download_name, job.mimetype = name, outcome.name, outcome.mimetype
    job.note = outcome.note
    job.status, job.finished_at = "done", utcnow()
    job.done = job.total = max(job.total, job.done, 1)
    db.session.commit()
    run_after_commit()


def _fail(app: Flask, job_id: int, exc: Exception) -> None:
    roll_back()
    if isinstance(exc, JobRefused | PdfUnavailable):
        reason = str(exc)
    elif isinstance(exc, RuleError):
        reason = "；".join(exc.messages)
    else:
        app.logger.exception("job %s failed", job_id)
        reason = UNEXPECTED
    job = db.session.get(Job, job_id)
    job.status, job.error, job.finished_at = "failed", reason, utcnow()
    _tell_failed(job, reason)
    db.session.commit()


def _tell_failed(job: Job, reason: str) -> None:
    """Let the kind mark what it was working on (an upload's record) as failed too."""
    failed = KINDS[job.kind].failed if job.kind in KINDS else None
    if failed is not None:
        failed(json.loads(job.params), reason)


def interrupted(app: Flask, job_id: int) -> None:
    """Mark a job its worker left unfinished as failed (a finished one is left alone)."""
    with app.app_context():
        roll_back()
        job = db.session.get(Job, job_id)
        if job is not None and job.status not in ("done", "failed"):
            job.status, job.error, job.finished_at = "failed", INTERRUPTED, utcnow()
            _tell_failed(job, INTERRUPTED)
            db.session.commit()
