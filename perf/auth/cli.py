"""User commands: ``perf create-user`` and ``perf token create``."""

import click
from flask.cli import with_appcontext

from perf.auth import queries, services, tokens
from perf.boundary import committed
from perf.errors import RuleError

#: How each service field is named in the command's error messages.
FIELD_LABELS = {
    "username": "用户名",
    "password": "密码",
    "role": "角色",
    "display_name": "显示名称",
    "unit_ids": "单位",
    "department_id": "部门",
    "email": "电子邮箱",
    "name": "令牌名称",
}


@click.command("create-user", help="创建用户账户；省略 --password 时提示输入密码。")
@click.argument("username")
@click.option(
    "--role", required=True, help="owner（项目负责人）、reviewer（财务审核）、leader（部门领导）或 admin（管理员）"
)
@click.option("--name", "display_name", default="", help="显示名称，例如 张会计")
@click.option("--unit", "units", multiple=True, help="负责单位名称（项目负责人必填，可重复）")
@click.option("--department", help="部门编码（财务审核、部门领导必填；也用于区分同名单位）")
@click.option("--email", default="", help="电子邮箱：提醒和审核消息发到这里")
@click.option("--password", help="初始密码；省略时提示输入")
@with_appcontext
@committed(labels=FIELD_LABELS)
def create_user(username, role, display_name, units, department, email, password) -> None:
    """Create a user account."""
    department_id = queries.department_id_by_code(department) if department else None
    unit_ids = queries.unit_ids_by_name(units, department_id)
    services.check_new_user(username.strip(), role, display_name.strip(), unit_ids, department_id, email)
    if password is None:
        password = _prompt_password()
    user = services.create_user(
        username, password, role, display_name, unit_ids, department_id, actor="cli", email=email
    )
    click.echo(f"已创建用户 {user.username}（{user.role_label}）")


@click.group("token", help="API 令牌：perf token create 用户名。")
def token() -> None:
    """API tokens: ``perf token create USERNAME``."""


@token.command("create", help="为用户创建 API 令牌；密钥只显示这一次，不保存。")
@click.argument("username")
@click.option("--name", default="命令行创建", help="令牌名称（用途），如“国库支付系统对接”")
@with_appcontext
@committed(labels=FIELD_LABELS)
def create_token(username: str, name: str) -> None:
    """Create an API token for a user; its secret is printed once and never stored."""
    user = queries.find_user(username.strip())
    if user is None or not user.active:
        raise RuleError({"username": [f"用户 {username} 不存在或已停用"]})
    _, secret = tokens.create_token(user, name, actor="cli")
    click.echo(secret)


def _prompt_password() -> str:
    """Ask twice without echoing; exit 1 when the two differ."""
    first = click.prompt("密码", hide_input=True)
    second = click.prompt("再次输入密码", hide_input=True)
    if first != second:
        raise RuleError({"password": ["两次输入的密码不一致"]})
    return first
