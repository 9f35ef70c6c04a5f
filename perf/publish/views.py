"""The department page's downloads: 导出部门绩效目标（Word）/（Excel）, for whoever may see the department."""

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, send_file, url_for
from flask_login import current_user

from perf.auth.permissions import Perm, require
from perf.publish import services
from perf.publish.queries import publication

bp = Blueprint("publish", __name__)


@bp.get("/departments/<code>/<int:year>/targets.<any(docx, xlsx):fmt>")
@require(Perm.PROJECT_VIEW)
def department_targets(code: str, year: int, fmt: str):
    """The department's 绩效目标表 the viewer may see, as Word or Excel; 404 when they see none."""
    found = publication(code, year, current_user) or abort(404)
    problems = services.problems(found, fmt)
    if problems:
        for message in problems:
            flash(message, "error")
        return redirect(url_for("projects.department", code=code, year=year))
    data = services.render(found, fmt)
    name = services.file_name(found, fmt)
    return send_file(BytesIO(data), mimetype=services.mimetype(fmt), as_attachment=True, download_name=name)
