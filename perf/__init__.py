"""perf: 绩效目标 management for budget units. The factory wires and does nothing else."""

from flask import Flask

from perf.config import bundled, load_config


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask application; ``test_config`` overrides every other layer."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(bundled("templates")),
    )
    load_config(app, test_config)
    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_api(app)
    register_errorhandlers(app)
    register_template_filters(app)
    register_commands(app)
    return app


def register_converters(app: Flask) -> None:
    """``<int:…>`` routes match only ids the database can hold (perf.db.IdConverter)."""
    from perf.db import IdConverter

    app.url_map.converters["int"] = IdConverter


def register_extensions(app: Flask) -> None:
    """Bind the extension singletons to this app."""
    from perf import security
    from perf.auth.session import init_login
    from perf.extensions import csrf, db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"])
    csrf.init_app(app)
    init_login(app)
    security.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Mount one blueprint per domain."""
    from perf.actuals.views import bp as actuals_bp
    from perf.alerts.views import bp as alerts_bp
    from perf.auth.token_views import bp as tokens_bp
    from perf.auth.views import bp as auth_bp
    from perf.budgets import pages as budget_pages  # noqa: F401  (registers the department page's 部门预算表)
    from perf.evaluation.reports.views import bp as reports_bp
    from perf.evaluation.views import bp as evaluation_bp
    from perf.imports.views import bp as imports_bp
    from perf.jobs.views import bp as jobs_bp
    from perf.midyear.views import bp as midyear_bp
    from perf.office.views import bp as office_bp
    from perf.projects.views import bp as projects_bp
    from perf.publish.views import bp as publish_bp
    from perf.review.views import bp as review_bp
    from perf.settings import services as settings_services
    from perf.settings.views import bp as settings_bp
    from perf.spending.views import bp as spending_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(tokens_bp)
    app.register_blueprint(projects_bp)
    app.register_blueprint(publish_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(alerts_bp)
    app.register_blueprint(spending_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(evaluation_bp)
    app.register_blueprint(midyear_bp)
    app.register_blueprint(actuals_bp)
    app.register_blueprint(office_bp)
    app.register_blueprint(settings_bp)
    settings_services.init_app(app)
    app.register_blueprint(imports_bp)
    app.register_blueprint(jobs_bp)


def register_api(app: Flask) -> None:
    """Mount the REST API (/api/v1)."""
    from perf.api import init_app

    init_app(app)


def register_errorhandlers(app: Flask) -> None:
    """Render HTTP errors as Chinese pages (JSON for API paths); commit or roll back once per request."""
    from perf import boundary, errors

    errors.init_app(app)
    boundary.init_app(app)


def register_template_filters(app: Flask) -> None:
    """Add the Jinja filters every page uses."""
    from perf.templating import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    """Attach the ``perf`` click group under ``flask perf``."""
    from perf.cli import perf_group

    app.cli.add_command(perf_group)
