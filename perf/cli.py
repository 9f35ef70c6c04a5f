"""The ``perf`` command line: ``flask --app wsgi perf …`` or the ``perf`` console script."""

import click
from flask.cli import AppGroup, ScriptInfo

perf_group = AppGroup("perf", help="perf 绩效目标管理命令。")


def _register() -> None:
    """Collect each domain's commands into the ``perf`` group."""
    from perf.actuals.cli import import_actuals_command
    from perf.alerts.cli import deliver, scan, scheduler
    from perf.auth.cli import create_user, token
    from perf.documents.cli import demo, import_disclosure_command
    from perf.evaluation.export_cli import export_self_eval
    from perf.evaluation.self_eval_cli import self_eval
    from perf.jobs.cli import worker
    from perf.office.cli import remind_command, todo_command
    from perf.projects.cli import export_project
    from perf.review.cli import review
    from perf.spending.cli import import_payments_command
    from perf.workflow.cli import step

    commands = (
        import_disclosure_command,
        demo,
        export_project,
        review,
        create_user,
        token,
        import_payments_command,
        scan,
        deliver,
        scheduler,
        self_eval,
        import_actuals_command,
        export_self_eval,
        step,
        todo_command,
        remind_command,
        worker,
    )
    for command in commands:
        perf_group.add_command(command)


_register()


def main() -> None:
    """Console script: the ``perf`` commands plus ``db`` (migrations), on the configured app."""
    from flask_migrate.cli import db as db_group

    from perf import create_app

    cli = click.Group("perf", commands={**perf_group.commands, "db": db_group})
    cli.main(obj=ScriptInfo(create_app=lambda: create_app()))
