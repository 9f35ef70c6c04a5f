"""Pages of the year-end self-evaluation and of actual values (blueprint ``evaluation``).

The owner of the project's unit enters actual values and fills the self-evaluation; the
department's reviewer signs it off, returns it or reopens it. The services decide who may
do what and when; these views adapt forms and show refusals at their fields.
"""


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from perf.auth.permissions import Perm, can_edit, can_review, can_view, ensure, require
from perf.evaluation import workflow
from perf.evaluation.forms import SelfEvaluationForm
from perf.evaluation.services import evaluation_of, scoring_settings
from perf.extensions import db
from perf.projects import queries
from perf.projects.models import Project

bp = Blueprint("evaluation", __name__)

#: step -> (service, what to tell the user afterwards)
STEPS = {
    "submit": (workflow.submit, "绩效自评已提交审核"),
    "return": (workflow.return_for_changes, "绩效自评已退回项目负责人修改"),
    "sign": (workflow.sign_off, "绩效自评已审核通过并锁定"),
    "reopen": (workflow.reopen, "绩效自评已重新打开，项目负责人可以修改"),
}


def _project(project_id: int) -> Project:
    project = queries.project_by_id(project_id) or abort(404)
    ensure(can_view(current_user, project))
    return project


def _page(project: Project) -> str:
    return url_for("evaluation.self_evaluation", project_id=project.id)


@bp.route("/projects/<int:project_id>/self-evaluation", methods=["GET", "POST"])
@require(Perm.PROJECT_VIEW)
def self_evaluation(project_id: int):
    """The scoring as it stands; the owner's form while it is a draft (POST saves it)."""
    project = _project(project_id)
    evaluation = workflow.stored_evaluation(project)
    may_fill = can_edit(current_user, project) and workflow.status_of(evaluation) == "draft"
    form = SelfEvaluationForm()
    if request.method == "POST":
        ensure(can_edit(current_user, project))
        form.configure(scoring_settings().bands)
        if form.validate():
            try:
                workflow.save(project, current_user, form.to_data())
            except workflow.EvaluationError as error:
                db.session.rollback()
                if not may_fill:  # submitted or signed meanwhile: nothing to correct in the form
                    for message in error.messages:
                        flash(message, "error")
                    return redirect(_page(project))
                form.form_errors.extend(error.messages)
                form.show_errors(error.fields)
            else:
                db.session.commit()
                flash("绩效自评已保存", "success")
                return redirect(_page(project))
        return _render(project, evaluation, form if may_fill else None, 422)
    if may_fill:
        form.fill(evaluation, workflow.current_rows(project))
        form.configure(scoring_settings().bands)
    return _render(project, evaluation, form if may_fill else None)


def _render(project: Project, evaluation, form, status: int = 200):
    scored = evaluation_of(project)
    versions = workflow.versions_of(evaluation)
    signed = versions[-1] if evaluation and evaluation.status == "signed" and versions else None
    context = {
        "project": project,
        "evaluation": evaluation,
        "status": workflow.status_of(evaluation),
        "scored": scored,
        "form": form,
        "lines": _lines(project, scored, form),
        "band_labels": {band.key: band.label for band in scoring_settings().bands},
        "may_submit": can_edit(current_user, project) and workflow.status_of(evaluation) == "draft" and evaluation,
        "may_review": can_review(current_user, project),
        "versions": versions,
        "signed": signed,
        "history": workflow.history_of(project),
    }
    return render_template("evaluation/self_evaluation.html", **context), status


def _lines(project: Project, scored, form) -> list[tuple]:
    """(indicator, its scored row, its form row or None) in table order."""
    entries = {}
    if form is not None:
        entries = {_int(entry.form.indicator_id.data): entry.form for entry in form.rows}
    return [
        (indicator, row, entries.get(indicator.id))
        for indicator, row in zip(project.indicators, scored.rows, strict=True)
    ]


@bp.post("/projects/<int:project_id>/self-evaluation/<any(submit, return, sign, reopen):step>")
@require(Perm.PROJECT_VIEW)
def take_step(project_id: int, step: str):
    """Submit (owner); sign off, return or reopen (reviewer). The service checks who may."""
    project = _project(project_id)
    action, done = STEPS[step]
    allowed = can_edit if step == "submit" else can_review
    ensure(allowed(current_user, project))
    try:
        action(project, current_user, request.form.get("comment", ""))
    except workflow.EvaluationError as error:
        db.session.rollback()
        for message in error.messages:
            flash(message, "error")
        return redirect(_page(project))
    db.session.commit()
    flash(done, "success")
    return redirect(_page(project))


@bp.get("/projects/<int:project_id>/self-evaluation/versions/<int:number>")
@require(Perm.PROJECT_VIEW)
def version(project_id: int, number: int):
    """One kept version of the self-evaluation, as it was submitted or signed."""
    project = _project(project_id)
    kept = workflow.version_of(workflow.stored_evaluation(project), number) or abort(404)
    return render_template("evaluation/version.html", project=project, version=kept)


def _int(text: str | None) -> int:
    return int(text) if (text or "").isdigit() else 0
