"""The command line speaks Chinese and never shows a traceback: every command's help, click's own
messages, and each failure as one line on stderr; exit 1 for refused input, 2 for usage."""

import re
import string

import click
import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from perf import create_app
from perf.cli import console_group
from perf.cli_chinese import MESSAGES, NOT_MIGRATED, PLURALS
from tests.conftest import ENGINE, cli_runner, make_app, throwaway_database

CJK = re.compile(r"[\u4e00-\u9fff]")
#: click's English that must not reach anyone.
ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "Error:", "Try '", "[required]", "[OPTIONS]")


def walk(group: click.Group, path=()):
    """Every command path under ``group``: ("scan",), ("db", "upgrade"), ("token", "create") …"""
    for name, command in group.commands.items():
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from walk(command, (*path, name))


COMMANDS = [(), *walk(console_group())]


def console(*args, create=None, **kwargs):
    """Run the ``perf`` console script in-process, on the app ``create`` builds."""
    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()
    return runner.invoke(console_group(), list(args), obj=ScriptInfo(create_app=create or create_app), **kwargs)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "perf")
def test_every_command_has_chinese_help(path):
    result = console(*path, "--help")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith(f"用法: perf {' '.join(path)}".rstrip() + " ")
    assert "选项:" in text and "显示本帮助并退出。" in text
    description = text.split("\n\n")[1]
    assert CJK.search(description), f"help of perf {' '.join(path)} is not Chinese: {description!r}"
    assert not [word for word in ENGLISH if word in text]
    command = console_group()
    for name in path:
        command = command.commands[name]
    for option in command.params:  # every option says in Chinese what it is for
        if isinstance(option, click.Option) and not option.hidden:
            assert option.help and CJK.search(option.help), f"perf {' '.join(path)} {option.opts}"


def test_the_help_through_flask_is_chinese_too(runner):
    result = runner.invoke(args=["perf", "scan", "--help"])
    assert result.exit_code == 0 and result.output.startswith("用法: ")
    assert "--as-of YYYY-MM-DD  检查日期（默认：今天）" in result.output
    group = runner.invoke(args=["perf", "--help"])
    assert group.exit_code == 0 and "perf [选项] 命令 [参数]..." in group.output
    assert not [word for word in ENGLISH if word in group.output + result.output]


MISUSE = [
    (["import-payments", "{tmp}/none.csv"], "错误：文件不存在：{tmp}/none.csv"),
    (["import-actuals", "{tmp}/none.csv"], "错误：文件不存在：{tmp}/none.csv"),
    (["import-disclosure", "{tmp}"], "是文件夹，不是文件"),
    (["export-self-eval", "X", "--out", "{tmp}/x.xlsx"], "错误：缺少参数 --format（可选：xlsx、pdf）"),
    (["export-self-eval", "X", "--format", "doc", "--out", "x"], "错误：--format：“doc”不是可选值"),
    (["export-self-eval", "X", "--format", "xlsx", "--out", "{tmp}/no/x.xlsx"], "错误：--out：输出文件夹不存在"),
    (["export-self-eval", "X", "--format", "xlsx"], "错误：缺少参数 --out"),
    (["scan", "--as-of", "2024-13-01"], "错误：--as-of：“2024-13-01”不是有效的日期（格式：YYYY-MM-DD）"),
    (["todo", "owner", "--as-of", "昨天"], "不是有效的日期"),
    (["scan", "--year", "abc"], "错误：--year：“abc”不是有效的数字"),
    (["scan", "--yaer", "2024"], "错误：没有选项 --yaer"),
    (["scna"], "错误：没有命令 scna"),
    (["review"], "错误：缺少参数 CODE"),
    (["review", "A", "B"], "错误：多余的参数：B"),
    (["export-project", "X", "--year"], "错误：选项 --year 需要取值"),
    (["create-user", "zhang"], "错误：缺少参数 --role"),
    (["step", "target", "X", "submit"], "错误：缺少参数 --as"),
    (["token", "revoke"], "错误：没有命令 revoke"),
]


def one_line(result) -> str:
    err = result.stderr
    assert "Traceback" not in err + result.output
    assert err.endswith("\n") and err.count("\n") == 1, err
    return err.strip()


@pytest.mark.parametrize(("args", "expected"), MISUSE, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_misuse_is_one_chinese_line_and_exit_2(runner, tmp_path, args, expected):
    args = [a.format(tmp=tmp_path) for a in args]
    for result in (runner.invoke(args=["perf", *args]), console(*args)):
        assert result.exit_code == 2, result.output + result.stderr
        line = one_line(result)
        assert expected.format(tmp=tmp_path) in line
        assert CJK.search(line) and not [word for word in ENGLISH if word in line]
        where = "perf" if args[0] == "scna" else args[0]
        assert line.endswith(f"{where} --help）") or "需要取值" in line  # says where the help is


@pytest.mark.parametrize(
    "args",
    [
        ["export-project", "NOPE"],
        ["review", "NOPE"],
        ["self-eval", "NOPE"],
        ["export-self-eval", "NOPE", "--format", "xlsx", "--out", "x.xlsx"],
        ["step", "target", "NOPE", "submit", "--as", "nobody"],
        ["todo", "nobody"],
        ["token", "create", "nobody"],
    ],
    ids=lambda a: a[0],
)
def test_refused_input_exits_1_in_one_line(runner, args):
    result = runner.invoke(args=["perf", *args])
    assert result.exit_code == 1, result.output + result.stderr
    line = one_line(result)
    assert line.startswith("错误") and CJK.search(line)


def test_a_database_never_migrated_says_run_db_upgrade(tmp_path):
    with throwaway_database("perf_never_migrated", tmp_path, ENGINE) as url:
        app = make_app(url)
        for args in (["demo"], ["scan", "--as-of", "2024-07-01"], ["todo", "owner"]):
            result = cli_runner(app).invoke(args=["perf", *args])
            assert result.exit_code == 1
            assert one_line(result) == f"错误：{NOT_MIGRATED}"
        result = console("demo", create=lambda: make_app(url))
        assert (result.exit_code, one_line(result)) == (1, "错误：数据库尚未初始化，请先运行 perf db upgrade")
        with app.app_context():
            from perf.extensions import db

            db.engine.dispose()


def test_a_missing_secret_in_production_is_one_line(monkeypatch):
    monkeypatch.setenv("PERF_ENV", "production")
    monkeypatch.delenv("PERF_SECRET_KEY", raising=False)
    result = console("scan")
    assert result.exit_code == 1
    assert one_line(result).startswith("错误：未设置 PERF_SECRET_KEY（会话签名密钥）：production 环境必须配置")


def test_an_unexpected_failure_is_one_line_unless_asked_for_the_traceback(runner, monkeypatch):
    from perf.alerts import cli as alerts_cli

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(alerts_cli, "run_scan", broken)
    result = runner.invoke(args=["perf", "scan", "--as-of", "2024-07-01"])
    assert result.exit_code == 1
    assert one_line(result) == (
        "错误：命令意外失败（ZeroDivisionError：division by zero）；设置环境变量 PERF_TRACEBACK=1 可看到详细信息"
    )
    monkeypatch.setenv("PERF_TRACEBACK", "1")
    result = runner.invoke(args=["perf", "scan", "--as-of", "2024-07-01"])
    assert isinstance(result.exception, ZeroDivisionError)


def fields(text: str) -> set[str]:
    return {name.split("!")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize(("msgid", "chinese"), [*MESSAGES.items(), *PLURALS.items()], ids=str)
def test_each_translation_uses_only_click_placeholders(msgid, chinese):
    given = fields(msgid) if isinstance(msgid, str) else fields(msgid[0]) | fields(msgid[1])
    assert fields(chinese) <= given
    assert CJK.search(chinese)
