"""Pages of the year-end self-evaluation (blueprint ``evaluation``): the scoring, the owner's form, the steps.

The owner of the project's unit fills the self-evaluation; the department's reviewer signs it
off, returns it or reopens it (routes made from the workflow's transition table). The services
decide who may do what and when; these views adapt forms and show refusals at their fields.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from perf import versions
from perf.auth.permissions import Perm, can_edit, can_view, ensure, loads, require
from perf.boundary import refusal, refused
from perf.evaluation import workflow
from perf.evaluation.forms import SelfEvaluationForm
from perf.evaluation.scoring import RULE_LABELS, grade_light_note
from perf.evaluation.services import evaluation_of, scoring_settings
from perf.evaluation.settings import live_rules, scheme_of
from perf.evaluation.workflow import SELF_EVALUATION
from perf.projects import queries
from perf.projects.models import Project
from perf.workflow.engine import returned, take
from perf.workflow.pages import add_step_routes

bp = Blueprint("evaluation", __name__)


def _page(project: Project) -> str:
    return url_for("evaluation.self_evaluation", project_id=project.id)


add_step_routes(bp, SELF_EVALUATION, "/projects/<int:project_id>/self-evaluation", queries.project_by_id, _page)


@bp.route("/projects/<int:project_id>/self-evaluation", methods=["GET", "POST"])
@require(Perm.PROJECT_VIEW)
@loads("project_id", queries.project_by_id, can_view, "项目")
def self_evaluation(project: Project):
    """The scoring as it stands; the owner's form while it is a draft (POST saves it)."""
    evaluation = workflow.stored_evaluation(project)
    may_fill = can_edit(current_user, project) and workflow.status_of(evaluation) == "draft"
    form = SelfEvaluationForm()
    if request.method == "POST":
        ensure(can_edit(current_user, project))
        form.configure(scoring_settings().bands)
        if form.validate():
            with refusal(form):
                workflow.save(project, current_user, form.entries(), form.expected_version)
                if request.form.get("then") == "submit":  # 提交审核 saves what is on the page first
                    return _submit_saved(project)
                flash("绩效自评已保存", "success")
                return redirect(_page(project))
            if not may_fill:  # submitted or signed meanwhile: nothing to correct in the form
                for message in refused().messages:
                    flash(message, "error")
                return redirect(_page(project))
            if refused().kind == "stale" and evaluation is not None:  # saving again is a deliberate overwrite
                form.lock_version.data = str(versions.current(evaluation))
        return _render(project, evaluation, form if may_fill else None, 422)
    if may_fill:
        form.fill(evaluation, workflow.current_rows(project))
        form.configure(scoring_settings().bands)
    return _render(project, evaluation, form if may_fill else None)


def _submit_saved(project: Project):
    """Submit what was just saved; if the step is refused, the entries stay saved and each reason is shown."""
    with refusal(flash_messages=True):
        take(SELF_EVALUATION, "submit", project, current_user._get_current_object())
        flash(SELF_EVALUATION.transition("submit").done, "success")
        return redirect(_page(project))
    flash("所填内容已保存，但还不能提交，请按上面的提示修改后再提交。", "info")
    return redirect(_page(project))


def _render(project: Project, evaluation, form, status: int = 200):
    scored = evaluation_of(project)
    possible = {transition.step for transition in SELF_EVALUATION.possible(evaluation, current_user, project)}
    versions = workflow.versions_of(evaluation)
    history = workflow.history_of(project)
    signed = versions[-1] if evaluation and evaluation.status == "signed" and versions else None
    context = {
        "project": project,
        "evaluation": evaluation,
        "status": workflow.status_of(evaluation),
        "scored": scored,
        "form": form,
        "lines": _lines(project, scored, form),
        "band_labels": {band.key: band.label for band in scoring_settings().bands},
        #: Why the grade and the 自评预警 light disagree, when they seem to (None when they agree).
        "grade_note": grade_light_note(scored.grade, scored.warning, scoring_settings()),
        "rule_labels": RULE_LABELS,
        #: The weight and band rules the form's script applies as the user types (the server's own table).
        "live": _live(project) if form is not None else None,
        #: The steps the user may take now (a button per step in the template).
        "steps": possible,
        "versions": versions,
        "signed": signed,
        "history": history,
        "returned": returned(evaluation, history[0] if history else None),
    }
    return render_template("evaluation/self_evaluation.html", **context), status


def _live(project: Project) -> dict:
    names = [indicator.level1 for indicator in project.indicators]
    return live_rules(scoring_settings(), project.budget_year.scheme or scheme_of(names), names)


def _lines(project: Project, scored, form) -> list[tuple]:
    """(indicator, its scored row, its form row or None) in table order."""
    entries = {}
    if form is not None:
        entries = {_int(entry.form.indicator_id.data): entry.form for entry in form.rows}
    return [
        (indicator, row, entries.get(indicator.id))
        for indicator, row in zip(project.indicators, scored.rows, strict=True)
    ]


@bp.get("/projects/<int:project_id>/self-evaluation/versions/<int:number>")
@require(Perm.PROJECT_VIEW)
@loads("project_id", queries.project_by_id, can_view, "项目")
def version(project: Project, number: int):
    """One kept version of the self-evaluation, as it was submitted or signed."""
    kept = workflow.version_of(workflow.stored_evaluation(project), number) or abort(404)
    return render_template("evaluation/version.html", project=project, version=kept)


def _int(text: str | None) -> int:
    return int(text) if (text or "").isdigit() else 0
