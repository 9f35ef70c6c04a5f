"""The command line speaks Chinese and never shows a traceback: click's own words through a zh_CN catalogue,
usage mistakes as one line (exit 2), and a failure that is not a bug in the input as one line (exit 1).

Why a catalogue bound to click's modules: click builds every message with ``gettext`` under the default
domain at the moment it raises, so the English text is fixed before any group could re-format it, and
plain ``gettext`` picks the language from the server's locale (often ``C`` or ``en_US``), while perf speaks
Chinese whatever the locale. So the catalogue is a ``gettext`` translations object (a table here, no
compiled ``.mo`` to build or ship) and ``speak_chinese`` hands it to the modules of click that translate,
once per process. The table covers what perf's commands can show; a message it lacks stays as click wrote it.

Exit codes, for every command: 0 done, 1 refused input (a rule, a missing project, a file with problems, a
database never migrated, a missing secret), 2 usage (a missing option, a bad value, an unknown command).
"""

import errno
import gettext
import os

import click
import sqlalchemy as sa
from click import core, decorators, exceptions, formatting, parser, termui, types
from flask.cli import AppGroup

from perf.config import ConfigProblem
from perf.errors import RuleError

#: click's messages (msgid as click writes it) in Chinese; placeholders are click's own names.
MESSAGES = {
    "Usage:": "用法:",
    "required": "必填",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "查看帮助：{command} {option}",
    "Aborted!": "已中止。",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name}",
    "No such option {name!r}.": "没有选项 {name}",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 取值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少参数",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数 {param_name}",
    "Choose from:\n\t{choices}": "可选：{choices}",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename}：{message}",
    "Option {name!r} does not take a value.": "选项 {name} 不带取值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 需要 {nargs} 个取值。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的数字",
    "{value} is not in the range {range}.": "{value} 不在允许的范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}”不是有效的是/否取值。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "文件不存在：{filename}",  # {name} was made at import, in English
    "{name} {filename!r} is a file.": "{filename} 是文件，不是文件夹",
    "{name} {filename!r} is a directory.": "{filename} 是文件夹，不是文件",
    "{name} {filename!r} is not readable.": "没有读取权限：{filename}",
    "{name} {filename!r} is not writable.": "没有写入权限：{filename}",
    "{name} {filename!r} is not executable.": "没有执行权限：{filename}",
    "Repeat for confirmation": "再次输入以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
    "Do you want to continue?": "是否继续？",
    "(dynamic)": "（动态）",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "deprecated": "已弃用",
}
#: click's plural messages: (singular msgid, plural msgid) -> Chinese (one form).
PLURALS = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): "多余的参数：{args}",
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): "选项 {name} 需要取值。",
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): "（是否想输入：{possibilities}？）",
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): "“{value}”不是可选值（可选：{choices}）",
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "“{value}”不是有效的日期（格式：YYYY-MM-DD）"
    ),
}
#: How an option's value is shown in help, by option name as the README writes it (an option's own metavar wins),
#: else by click type name.
METAVARS_BY_NAME = {
    "year": "YYYY",
    "out": "PATH",
    "email": "ADDR",
    "password": "P",
    "username": "USER",
    "comment": "意见",
    "display_name": "显示名",
    "units": "单位名称",
    "department": "部门编码",
    "role": "owner|reviewer|leader|admin",
    "name": "LABEL",
}
METAVARS = {"integer": "N", "text": "文本", "file": "PATH", "path": "PATH", "directory": "PATH", "float": "N"}
#: Whoever fixes a problem with the command line reads this when perf fails for a reason not in its input.
NOT_MIGRATED = "数据库尚未初始化，请先运行 perf db upgrade"
OUTDATED = "数据库结构不是最新版本，请先运行 perf db upgrade"
#: What an operating-system error means, for the errors a command meets with files.
OS_ERRORS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统只读",
}


class ChineseCatalogue(gettext.NullTranslations):
    """The zh_CN catalogue of click's messages; a message it lacks is returned as given."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = PLURALS.get((singular, plural))
        if found is not None:
            return found
        return singular if n == 1 else plural


CATALOGUE = ChineseCatalogue()
#: click's modules that look messages up through ``gettext``.
CLICK_MODULES = (core, decorators, exceptions, formatting, parser, termui, types)


def speak_chinese() -> None:
    """Let click look its messages up in the Chinese catalogue, whatever the locale (idempotent)."""
    for module in CLICK_MODULES:
        if hasattr(module, "_"):
            module._ = CATALOGUE.gettext
        if hasattr(module, "ngettext"):
            module.ngettext = CATALOGUE.ngettext


class UsageMistake(click.UsageError):
    """A usage error shown as one Chinese line (exit 2) that says where the help is."""

    def show(self, file=None) -> None:
        where = f"（查看帮助：{self.ctx.command_path} --help）" if self.ctx is not None else ""
        click.echo(f"错误：{self.format_message()}{where}", err=True)


class Refused(click.ClickException):
    """A command that could not do its work for a reason outside perf's code: one Chinese line, exit 1."""

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


def usage_line(error: click.UsageError) -> str:
    """A usage error's message in Chinese: ``缺少参数 --format`` rather than click's quoted form."""
    if isinstance(error, click.MissingParameter) and error.param is not None:
        param = error.param
        name = " / ".join(param.opts) if isinstance(param, click.Option) else param.human_readable_name
        choices = getattr(param.type, "choices", None)
        return f"缺少参数 {name}" + (f"（可选：{'、'.join(map(str, choices))}）" if choices else "")
    if isinstance(error, click.BadParameter) and error.param is not None and error.param_hint is None:
        param = error.param
        if isinstance(param, click.Option):  # an argument's value names itself (文件不存在：…)
            return f"{' / '.join(param.opts)}：{error.message}"
        return error.message
    return error.format_message()


def explain(error: Exception) -> str:
    """One line that says why a command failed, for failures that are not a usage mistake."""
    if isinstance(error, RuleError):
        return "；".join(error.messages)
    if isinstance(error, sa.exc.DBAPIError):
        return _database_line(error)
    if isinstance(error, OSError):
        reason = OS_ERRORS.get(error.errno, error.strerror or str(error))
        return f"{reason}：{error.filename}" if error.filename else reason
    if isinstance(error, ConfigProblem):
        return str(error)
    return f"命令意外失败（{type(error).__name__}：{error}）；设置环境变量 PERF_TRACEBACK=1 可看到详细信息"


def _database_line(error: sa.exc.DBAPIError) -> str:
    text = str(error.orig)
    state = getattr(error.orig, "sqlstate", None)
    if "no such table" in text or state == "42P01":
        return NOT_MIGRATED
    if "no such column" in text or state == "42703":
        return OUTDATED
    first = text.strip().splitlines()[0] if text.strip() else type(error.orig).__name__
    if isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError):
        return f"无法连接数据库：{first}"
    return f"数据库拒绝了这次操作：{first}"


def localize(command: click.Command) -> None:
    """Chinese usage placeholders and a short help line for ``command`` and its subcommands."""
    if command.options_metavar == "[OPTIONS]":
        command.options_metavar = "[选项]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "命令 [参数]..."
        for sub in command.commands.values():
            localize(sub)
    if command.help and not command.short_help:
        command.short_help = command.help.strip().splitlines()[0].split("。")[0]
    for param in command.params:
        if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
            param.metavar = _metavar(param)


def _metavar(param: click.Option) -> str | None:
    if param.name in METAVARS_BY_NAME:
        return METAVARS_BY_NAME[param.name]
    if isinstance(param.type, click.DateTime):
        return "YYYY-MM-DD"
    if isinstance(param.type, click.Choice):
        return None
    return METAVARS.get(param.type.name)


def output_folder_exists(ctx: click.Context, param: click.Parameter, value):
    """An output file's folder must exist (a usage mistake, exit 2): perf writes the file, never folders."""
    if value is not None and not value.resolve().parent.is_dir():
        raise click.BadParameter(f"输出文件夹不存在：{value.resolve().parent}", ctx, param)
    return value


class ChineseGroup(AppGroup):
    """perf's command group: Chinese help and messages, one-line errors and consistent exit codes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        localize(cmd)
        super().add_command(cmd, name)

    def make_context(self, info_name, args, parent=None, **extra):
        speak_chinese()
        extra.setdefault("help_option_names", ["-h", "--help"])
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as error:
            raise UsageMistake(usage_line(error), error.ctx) from None

    def invoke(self, ctx: click.Context):
        speak_chinese()
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort, click.exceptions.NoArgsIsHelpError, UsageMistake, Refused):
            raise
        except click.UsageError as error:
            raise UsageMistake(usage_line(error), error.ctx) from None
        except click.ClickException as error:
            refused = Refused(error.format_message())
            refused.exit_code = error.exit_code
            raise refused from None
        except Exception as error:
            if os.environ.get("PERF_TRACEBACK"):
                raise
            raise Refused(explain(error)) from None
