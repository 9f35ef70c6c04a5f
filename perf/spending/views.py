"""Payment pages: record, correct and delete payments of a project; the project page's payments panel.

Owners of the project's unit write; anyone who may view the project sees its payments
(on the project page, through ``payments_panel``). A refused form is shown again with
what was typed and a Chinese message at each field; a save that needs confirming (past the
budget, outside the budget year) shows the 我已核实，仍要保存 box. Correcting and deleting ask
for a reason.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from perf import versions
from perf.auth.permissions import Perm, can_edit, loads, require
from perf.boundary import refusal, refused
from perf.numbers import grouped
from perf.projects import queries
from perf.projects.pages import panel
from perf.spending import services
from perf.spending.forms import CorrectionForm, DeleteForm, PaymentForm

bp = Blueprint("spending", __name__)


@panel
def payments_panel(project, form: PaymentForm | None = None) -> dict:
    """Template context for the payments section of the project page."""
    may_pay = can_edit(current_user, project)
    return {
        "payment_summary": services.payment_summary(project),
        "payment_form": (form or PaymentForm()) if may_pay else None,
        "may_pay": may_pay,
    }


def _may_write(user, payment) -> bool:
    return can_edit(user, payment.project)


@bp.post("/projects/<int:project_id>/payments")
@require(Perm.PROJECT_EDIT)
@loads("project_id", queries.project_by_id, can_edit, "项目")
def add_payment(project):
    """Record a payment (or a refund) of the project."""
    form = PaymentForm()
    if form.validate_on_submit():
        with refusal(form):
            payment = services.add_payment(project, form.payment(), current_user.username)
            flash(f"已记录：凭证号 {payment.voucher_no}，{grouped(payment.amount)} 元", "success")
            return redirect(_page(project))
        _also_voucher(form, project.id)
    return render_template("spending/form.html", form=form, project=project, payment=None)


def _also_voucher(form, project_id: int, previous: str | None = None) -> None:
    """A save refused by the schema (before the service ran) still says, in the same round, that its 凭证号 is taken."""
    voucher_no = (form.voucher_no.data or "").strip()
    for message in services.voucher_problems(project_id, voucher_no, previous).get("voucher_no", []):
        if message not in form.voucher_no.errors:
            form.voucher_no.errors = [*form.voucher_no.errors, message]


@bp.route("/payments/<int:payment_id>/edit", methods=["GET", "POST"])
@require(Perm.PROJECT_EDIT)
@loads("payment_id", services.payment_by_id, _may_write, "支付记录")
def edit_payment(payment):
    """Correct a payment (audited: before and after)."""
    project = queries.project_by_id(payment.project_id)
    form = CorrectionForm()
    if not form.is_submitted():
        form.fill_from(payment)
    elif form.validate():
        with refusal(form):
            typed = (form.payment(), current_user.username, form.reason.data, form.expected_version)
            changes = services.correct_payment(payment, *typed)
            flash("支付记录已更正" if changes else "内容没有变化", "success")
            return redirect(_page(project))
        _after_stale(form, payment)
        _also_voucher(form, project.id, payment.voucher_no)
    return _edit_page(project, payment, form, DeleteForm(formdata=None))


def _after_stale(form, payment) -> None:
    """A save refused because someone else saved first keeps what was typed and now carries the version
    it was shown against, so saving again (after checking the message) is a deliberate overwrite."""
    error = refused()
    if error is not None and error.kind == "stale":
        form.lock_version.data = str(versions.current(payment))


@bp.post("/payments/<int:payment_id>/delete")
@require(Perm.PROJECT_EDIT)
@loads("payment_id", services.payment_by_id, _may_write, "支付记录")
def delete_payment(payment):
    """Delete a payment for a reason (audited); refused while a refund names it."""
    project, voucher_no = queries.project_by_id(payment.project_id), payment.voucher_no
    form = DeleteForm()
    if form.validate_on_submit():
        with refusal(form):
            services.delete_payment(payment, current_user.username, form.reason.data, form.expected_version)
        _after_stale(form, payment)
        if not refused():
            flash(f"已删除凭证号 {voucher_no} 的支付记录", "success")
            return redirect(_page(project))
    correction = CorrectionForm(formdata=None)
    correction.fill_from(payment)
    return _edit_page(project, payment, correction, form)


def _edit_page(project, payment, form: CorrectionForm, delete_form: DeleteForm):
    if not delete_form.lock_version.data:
        delete_form.lock_version.data = str(payment.lock_version)
    return render_template("spending/form.html", form=form, project=project, payment=payment, delete_form=delete_form)


def _page(project) -> str:
    return url_for("projects.project", year=project.budget_year.year, code=project.code, _anchor="payments")
