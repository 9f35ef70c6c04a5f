"""Payment pages: record, correct and delete payments of a project; the project page's payments panel.

Owners of the project's unit write; anyone who may view the project sees its payments
(on the project page, through ``payments_panel``). A refused form is shown again with
what was typed and a Chinese message at each field.
"""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from perf.auth.permissions import Perm, can_edit, ensure, require
from perf.extensions import db
from perf.numbers import fmt2
from perf.projects import queries
from perf.spending import services
from perf.spending.forms import PaymentForm
from perf.spending.services import PaymentRuleError

bp = Blueprint("spending", __name__)


def payments_panel(project, form: PaymentForm | None = None) -> dict:
    """Template context for the payments section of the project page."""
    may_pay = can_edit(current_user, project)
    return {
        "payment_summary": services.payment_summary(project),
        "payment_form": (form or PaymentForm()) if may_pay else None,
        "may_pay": may_pay,
    }


@bp.post("/projects/<int:project_id>/payments")
@require(Perm.PROJECT_EDIT)
def add_payment(project_id: int):
    """Record a payment (or a refund) of the project."""
    project = _editable_project(project_id)
    form = PaymentForm()
    if form.validate_on_submit():
        try:
            payment = services.add_payment(project, form.payment, current_user.username)
        except PaymentRuleError as error:
            db.session.rollback()
            form.show_errors(error.messages)
        else:
            db.session.commit()
            flash(f"已记录：凭证号 {payment.voucher_no}，{fmt2(payment.amount)} 元", "success")
            return redirect(_page(project))
    return render_template("spending/form.html", form=form, project=project, payment=None)


@bp.route("/payments/<int:payment_id>/edit", methods=["GET", "POST"])
@require(Perm.PROJECT_EDIT)
def edit_payment(payment_id: int):
    """Correct a payment (audited: before and after)."""
    payment, project = _editable_payment(payment_id)
    form = PaymentForm()
    if not form.is_submitted():
        form.fill_from(payment)
    elif form.validate():
        try:
            changes = services.correct_payment(payment, form.payment, current_user.username)
        except PaymentRuleError as error:
            db.session.rollback()
            form.show_errors(error.messages)
        else:
            db.session.commit()
            flash("支付记录已更正" if changes else "内容没有变化", "success")
            return redirect(_page(project))
    return render_template("spending/form.html", form=form, project=project, payment=payment)


@bp.post("/payments/<int:payment_id>/delete")
@require(Perm.PROJECT_EDIT)
def delete_payment(payment_id: int):
    """Delete a payment (audited); refused while a refund names it."""
    payment, project = _editable_payment(payment_id)
    voucher_no = payment.voucher_no
    try:
        services.delete_payment(payment, current_user.username)
    except PaymentRuleError as error:
        db.session.rollback()
        for message in (m for found in error.messages.values() for m in found):
            flash(message, "error")
        return redirect(url_for("spending.edit_payment", payment_id=payment_id))
    db.session.commit()
    flash(f"已删除凭证号 {voucher_no} 的支付记录", "success")
    return redirect(_page(project))


def _editable_project(project_id: int):
    project = queries.project_by_id(project_id) or abort(404)
    ensure(can_edit(current_user, project))
    return project


def _editable_payment(payment_id: int):
    payment = services.payment_by_id(payment_id) or abort(404)
    return payment, _editable_project(payment.project_id)


def _page(project) -> str:
    return url_for("projects.project", year=project.budget_year.year, code=project.code, _anchor="payments")
