"""The 自评表 of one project: print page, XLSX and PDF downloads (blueprint ``reports``)."""

from io import BytesIO

from flask import Blueprint, Response, render_template, send_file, url_for
from flask_login import current_user

from perf.auth.permissions import Perm, can_view, ensure, require
from perf.evaluation.reports import layout_of, pdf, xlsx
from perf.extensions import db
from perf.projects.models import Project

bp = Blueprint("reports", __name__)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _project(project_id: int) -> Project:
    project = db.get_or_404(Project, project_id)
    ensure(can_view(current_user, project))
    return project


def _download_name(project: Project, extension: str) -> str:
    return f"{project.code}-项目支出绩效自评表-{project.budget_year.year}.{extension}"


@bp.get("/projects/<int:project_id>/self-evaluation/print")
@require(Perm.PROJECT_VIEW)
def print_page(project_id: int):
    project = _project(project_id)
    layout = layout_of(project)
    downloads = [
        {"label": "下载 Excel", "url": url_for("reports.xlsx_download", project_id=project.id)},
        {"label": "下载 PDF", "url": url_for("reports.pdf_download", project_id=project.id)},
    ]
    return render_template(
        "reports/self_evaluation.html",
        layouts=[layout],
        title=f"{project.name} · {layout.title}",
        for_pdf=False,
        downloads=downloads,
        back_url=url_for("projects.project", year=project.budget_year.year, code=project.code),
    )


@bp.get("/projects/<int:project_id>/self-evaluation.xlsx")
@require(Perm.PROJECT_VIEW)
def xlsx_download(project_id: int):
    project = _project(project_id)
    data = xlsx.to_bytes([layout_of(project)])
    return _attachment(data, XLSX_MIMETYPE, _download_name(project, "xlsx"))


@bp.get("/projects/<int:project_id>/self-evaluation.pdf")
@require(Perm.PROJECT_VIEW)
def pdf_download(project_id: int):
    project = _project(project_id)
    try:
        data = pdf.to_bytes([layout_of(project)])
    except pdf.PdfUnavailable as exc:
        return render_template("error.html", code=503, message=str(exc)), 503
    return _attachment(data, "application/pdf", _download_name(project, "pdf"))


def _attachment(data: bytes, mimetype: str, name: str) -> Response:
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
