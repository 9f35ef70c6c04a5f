"""Pages of background jobs (blueprint ``jobs``): start an export or a scan, watch it, download its result.

Starting answers with a redirect to the job's page; the page polls ``/jobs/<id>/status`` (a
small script, perf/static/js/job-progress.js) and shows the download once the job is done.
"""

from datetime import date

from flask import Blueprint, abort, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from perf.auth.permissions import Perm, loads, require
from perf.clock import today
from perf.errors import RuleError
from perf.jobs import services
from perf.jobs.kinds import KINDS
from perf.jobs.models import Job
from perf.jobs.runner import UNEXPECTED

bp = Blueprint("jobs", __name__)


@bp.post("/departments/<code>/<int:year>/jobs/<kind>")
@require(Perm.PROJECT_VIEW)
def start_export(code: str, year: int, kind: str):
    """Start a bulk export of the department's year (``format`` from the form)."""
    if kind not in KINDS or kind == "scan" or not services.department_exists(code, year):
        abort(404)
    params = {"department": code, "year": year}
    if KINDS[kind].formats:
        params["format"] = request.form.get("format", "")
    return _started(lambda: services.start(kind, params, current_user))


def _started(start):
    """Start the job and go to its page; a refused start is shown with its reason (403 or 422)."""
    try:
        job = start()
    except RuleError as error:
        return render_template("error.html", code=error.status, message="；".join(error.messages)), error.status
    return redirect(url_for("jobs.job_page", job_id=job.id))


@bp.post("/scans")
@require(Perm.PROJECT_VIEW)
def start_scan():
    """Start the milestone scan as of ``as_of`` (default: today in ``TIMEZONE``); reviewers and admins."""
    try:
        as_of = date.fromisoformat(request.form.get("as_of") or today().isoformat())
    except ValueError:
        return render_template("error.html", code=422, message="扫描日期不是有效的日期"), 422
    return _started(lambda: services.start_scan(current_user, as_of))


@bp.get("/jobs")
@require(Perm.PROJECT_VIEW)
def job_list():
    """我的任务: the user's latest jobs."""
    jobs = services.recent_jobs(current_user)
    return render_template("jobs/list.html", jobs=jobs, describe=services.describe)


@bp.get("/jobs/<int:job_id>")
@require(Perm.PROJECT_VIEW)
@loads("job_id", services.job_by_id, services.may_see, "任务")
def job_page(job):
    """The job's progress bar and, once done, its download."""
    return render_template("jobs/job.html", job=job, title=services.describe(job), **_download(job))


@bp.get("/jobs/<int:job_id>/status")
@require(Perm.PROJECT_VIEW)
@loads("job_id", services.job_by_id, services.may_see, "任务")
def job_status(job):
    """The job's status, progress and download link, as JSON for its page."""
    return jsonify(services.status_of(job, _download(job)["download_url"]))


@bp.get("/jobs/<int:job_id>/download")
@require(Perm.PROJECT_VIEW)
@loads("job_id", services.job_by_id, services.may_see, "任务")
def download(job):
    """The job's result file, for the user who started it (or an admin)."""
    path = services.result_path(job)
    if path is None:
        abort(404)
    return send_file(path, mimetype=job.mimetype, as_attachment=True, download_name=job.download_name)


def _download(job: Job) -> dict:
    path = services.result_path(job)
    url = url_for("jobs.download", job_id=job.id) if path is not None else None
    missing = job.status == "done" and job.result_file and path is None
    return {"download_url": url, "missing": missing, "unexpected": UNEXPECTED}
