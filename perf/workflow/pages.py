"""Page routes for a workflow's steps, made from its transition table: one POST route per step.

Each route declares the permission its step needs (owner steps PROJECT_EDIT, reviewer steps
PROJECT_REVIEW), loads the project and checks that this user may take the step on it, takes the
step through the engine and goes back to the page the step was taken from, flashing what was
done; a refused comment is kept for its form there (``{workflow}-{step}``), other refusals flashed.
"""

from collections.abc import Callable

from flask import Blueprint, flash, redirect, request
from flask_login import current_user

from perf.auth.permissions import loads, require
from perf.boundary import refusal
from perf.workflow.engine import Transition, Workflow, take


def add_step_routes(bp: Blueprint, workflow: Workflow, prefix: str, finder: Callable, back: Callable) -> None:
    """``POST {prefix}/{step}`` (endpoint ``{bp}.{step}``) for every step of ``workflow``."""
    for transition in workflow.transitions:
        view = _step_view(workflow, transition, back)
        view = loads("project_id", finder, transition.allowed, "项目")(view)
        view = require(transition.permission)(view)
        bp.add_url_rule(f"{prefix}/{transition.step}", endpoint=transition.step, view_func=view, methods=["POST"])


def _step_view(workflow: Workflow, transition: Transition, back: Callable):
    def view(project):
        with refusal(keep=f"{workflow.name}-{transition.step}"):  # the comment's problems wait at its form
            user = current_user._get_current_object()
            take(workflow, transition.step, project, user, request.form.get("comment", ""))
            flash(transition.done, "success")
        return redirect(back(project))

    view.__name__ = f"{workflow.name}_{transition.step}"
    view.__doc__ = f"{workflow.label}：{transition.label}"
    return view
