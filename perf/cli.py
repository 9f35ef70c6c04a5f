"""The ``perf`` command line: ``flask --app wsgi perf …`` or the ``perf`` console script.

Every command speaks Chinese and exits 0 (done), 1 (refused input) or 2 (usage); see perf/cli_chinese.py.
"""

import copy

import click
from flask.cli import ScriptInfo

from perf.cli_chinese import ChineseGroup, localize, speak_chinese

perf_group = ChineseGroup("perf", help="perf 绩效目标管理命令。")

#: Chinese help of Flask-Migrate's ``db`` commands (its own texts are English), by command name.
DB_HELP = {
    "": "数据库结构（迁移）：首次安装和每次升级 perf 后运行 perf db upgrade。",
    "upgrade": "把数据库升级到最新结构（新数据库由此建表）。",
    "downgrade": "把数据库退回到较早的结构版本。",
    "current": "显示数据库当前的结构版本。",
    "history": "列出全部结构版本。",
    "heads": "显示最新的结构版本。",
    "branches": "显示结构版本的分支点。",
    "show": "显示一个结构版本的说明。",
    "stamp": "只记录结构版本号，不改动数据库。",
    "check": "检查模型与数据库结构是否一致。",
    "init": "创建迁移文件夹（perf 已自带，无须运行）。",
    "revision": "新建一个空的结构版本文件（开发用）。",
    "migrate": "根据模型的变化生成结构版本文件（开发用）。",
    "edit": "编辑一个结构版本文件（开发用）。",
    "merge": "合并两个结构版本分支（开发用）。",
    "list-templates": "列出可用的迁移模板（开发用）。",
}
#: Chinese help of the ``db`` commands' options, by parameter name.
DB_PARAM_HELP = {
    "directory": "迁移文件夹（默认：perf 自带的）",
    "sql": "只输出 SQL，不改动数据库",
    "tag": "传给迁移脚本的标记",
    "x_arg": "传给迁移脚本的额外参数",
    "verbose": "显示详细信息",
    "indicate_current": "标出当前版本",
    "rev_range": "版本范围，例如 base:head",
    "message": "版本说明",
    "autogenerate": "根据模型自动生成",
    "head": "新版本的上一版本",
    "splice": "允许在非最新版本上新建",
    "branch_label": "分支名",
    "version_path": "版本文件所在的文件夹",
    "rev_id": "指定版本号",
    "purge": "先清空版本表",
    "multidb": "多数据库模板",
    "template": "迁移模板",
    "package": "为迁移文件夹生成 __init__.py",
    "resolve_dependencies": "把依赖的版本当作上一版本",
}


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
    from perf.publish.cli import export_disclosure, export_project
    from perf.review.cli import review
    from perf.spending.cli import import_payments_command
    from perf.targets.cli import import_targets_command
    from perf.workflow.cli import step

    commands = (
        import_disclosure_command,
        import_targets_command,
        demo,
        export_project,
        export_disclosure,
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


def db_commands() -> click.Group:
    """Flask-Migrate's ``db`` group with Chinese help (a copy: ``flask db`` keeps its own)."""
    from flask_migrate.cli import db as db_group

    group = copy.copy(db_group)
    group.help = DB_HELP[""]
    group.params = [_with_help(param) for param in db_group.params]
    group.commands = {}
    for name, command in db_group.commands.items():
        own = copy.copy(command)
        own.help = DB_HELP.get(name, own.help)
        own.short_help = None
        own.params = [_with_help(param) for param in command.params]
        group.commands[name] = own
    localize(group)
    return group


def _with_help(param: click.Parameter) -> click.Parameter:
    own = copy.copy(param)
    if isinstance(own, click.Option) and own.name in DB_PARAM_HELP:
        own.help = DB_PARAM_HELP[own.name]
    return own


def console_group() -> click.Group:
    """The console script's group: the ``perf`` commands plus ``db`` (migrations)."""
    speak_chinese()
    cli = ChineseGroup("perf", help=perf_group.help, commands={**perf_group.commands, "db": db_commands()})
    localize(cli)
    return cli


def main() -> None:
    """Console script: ``perf …`` on the configured app."""
    from perf import create_app

    console_group().main(obj=ScriptInfo(create_app=lambda: create_app()))
