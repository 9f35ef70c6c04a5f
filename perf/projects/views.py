"""Pages for departments and projects (read-only for now)."""

from flask import Blueprint, abort, render_template

from perf.projects import queries

bp = Blueprint("projects", __name__)


@bp.get("/")
def index():
    """Home: the departments with projects, newest year first."""
    return render_template("projects/index.html", rows=queries.department_years())


@bp.get("/departments/<code>/<int:year>")
def department(code: str, year: int):
    """A department's projects for one year."""
    page = queries.department_page(code, year) or abort(404)
    return render_template("projects/department.html", page=page)


@bp.get("/projects/<int:year>/<code>")
def project(year: int, code: str):
    """One project's 绩效目标表, laid out like the published table."""
    project = queries.project_by_code(code, year) or abort(404)
    return render_template(
        "projects/project.html", project=project, table=queries.table_rows(project)
    )
