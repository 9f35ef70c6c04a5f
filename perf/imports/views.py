"""导入数据: upload a file, read the preview (what would change, every problem), confirm; 导入记录 lists uploads."""

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from perf.auth.permissions import Perm, loads, require
from perf.boundary import refusal, refused
from perf.imports import services, workbook
from perf.imports.forms import ApplyForm, UploadForm

bp = Blueprint("imports", __name__)
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/imports", methods=["GET", "POST"])
@require(Perm.DATA_IMPORT)
def upload():
    """The upload form and the user's 导入记录; a posted file is checked and its preview shown."""
    form = UploadForm().offer(services.kinds_for(current_user))
    if form.validate_on_submit():
        upload_file = form.file.data
        data = upload_file.read() if upload_file else b""
        with refusal(form):
            record = services.check(form.kind.data, getattr(upload_file, "filename", "") or "", data, current_user)
            return redirect(url_for("imports.preview", record_id=record.id))
    status = 422 if form.is_submitted() and (form.errors or refused()) else 200
    records = services.records_of(current_user)
    templates = {kind: label for kind, label in services.kinds_for(current_user).items() if kind in workbook.EXAMPLES}
    return render_template("imports/upload.html", form=form, records=records, templates=templates), status


@bp.get("/imports/<int:record_id>")
@require(Perm.DATA_IMPORT)
@loads("record_id", services.record_by_id, services.may_see, "导入记录")
def preview(record):
    """What the file would do: 新增 / 变更 / 未变 per project, the indicators it drops, every problem."""
    return render_template("imports/preview.html", record=record, form=ApplyForm())


@bp.post("/imports/<int:record_id>/apply")
@require(Perm.DATA_IMPORT)
@loads("record_id", services.record_by_id, services.may_see, "导入记录")
def apply(record):
    """Confirm: write the checked file, all or nothing (dropping recorded indicators only when ticked)."""
    form = ApplyForm()
    with refusal(flash_messages=True):
        services.apply(record, current_user, drop_recorded=form.drop_recorded.data)
        counts = record.summary
        done = f"已导入：新增 {counts['new']} 笔、变更 {counts['changed']} 笔、未变 {counts['unchanged']} 笔"
        flash(done + record.rows_sentence, "success")
    return redirect(url_for("imports.preview", record_id=record.id))


@bp.get("/imports/templates/<kind>.xlsx")
@require(Perm.DATA_IMPORT)
def template(kind: str):
    """The XLSX template of a kind: its headers and one example row."""
    if kind not in workbook.EXAMPLES:
        abort(404)
    name = f"{services.KINDS[kind]}-导入模板.xlsx"
    return send_file(
        BytesIO(workbook.template_bytes(kind)), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=name
    )
