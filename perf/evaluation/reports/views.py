"""Self-evaluation reports (blueprint ``reports``): one project's 自评表 and a department's 自评汇总表,
each as a print page, an XLSX and a PDF download."""

from io import BytesIO

from flask import Blueprint, Response, abort, render_template, request, send_file, url_for
from flask_login import current_user

from perf.auth.permissions import Perm, can_view, ensure, require
from perf.evaluation.reports import layout_of, pdf, summary_pdf, summary_xlsx, xlsx
from perf.evaluation.reports.summary import Summary, summary_for
from perf.extensions import db
from perf.paging import Window
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


# --- the department summary ------------------------------------------------------------------


def _summary(code: str, year: int) -> Summary:
    """The summary over the department's projects the user may see; 404 for an unknown department or year."""
    return summary_for(code, year, current_user) or abort(404)


def _summary_name(summary: Summary, extension: str) -> str:
    return f"{summary.department_code}-项目支出绩效自评汇总表-{summary.year}.{extension}"


@bp.get("/departments/<code>/<int:year>/self-evaluations")
@require(Perm.PROJECT_VIEW)
def department_summary(code: str, year: int):
    """The department's 自评汇总表: every project's budget, execution, score, grade and light, with charts."""
    summary = _summary(code, year)
    # the page starts the downloads as background jobs (perf.jobs); the GET routes below stay for links and scripts
    start = url_for("jobs.start_export", code=code, year=year, kind="summary")
    downloads = [
        {"label": "下载 Excel", "url": start, "format": "xlsx"},
        {"label": "下载 PDF", "url": start, "format": "pdf"},
    ]
    back_url = url_for("projects.department", code=code, year=year)
    window = Window.parse(request.args.get("page"), request.args.get("per_page"))
    return summary_pdf.render_html(summary, for_pdf=False, window=window, downloads=downloads, back_url=back_url)


@bp.get("/departments/<code>/<int:year>/self-evaluations.xlsx")
@require(Perm.PROJECT_VIEW)
def department_summary_xlsx(code: str, year: int):
    summary = _summary(code, year)
    return _attachment(summary_xlsx.to_bytes(summary), XLSX_MIMETYPE, _summary_name(summary, "xlsx"))


@bp.get("/departments/<code>/<int:year>/self-evaluations.pdf")
@require(Perm.PROJECT_VIEW)
def department_summary_pdf(code: str, year: int):
    summary = _summary(code, year)
    try:
        data = summary_pdf.to_bytes(summary)
    except pdf.PdfUnavailable as exc:
        return render_template("error.html", code=503, message=str(exc)), 503
    return _attachment(data, "application/pdf", _summary_name(summary, "pdf"))


def _attachment(data: bytes, mimetype: str, name: str) -> Response:
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
