"""User commands: ``perf create-user``."""

import click
from flask.cli import with_appcontext

from perf.auth import services
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
}


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, help="owner（项目负责人）、reviewer（财务审核）或 admin（管理员）")
@click.option("--name", "display_name", default="", help="显示名称，例如 张会计")
@click.option("--unit", "units", multiple=True, help="负责单位名称（项目负责人必填，可重复）")
@click.option("--department", help="部门编码（财务审核必填；也用于区分同名单位）")
@click.option("--password", help="初始密码；省略时提示输入")
@with_appcontext
@committed(labels=FIELD_LABELS)
def create_user(username, role, display_name, units, department, password) -> None:
    """Create a user account."""
    department_id = services.department_id_by_code(department) if department else None
    unit_ids = services.unit_ids_by_name(units, department_id)
    services.check_new_user(username.strip(), role, display_name.strip(), unit_ids, department_id)
    if password is None:
        password = _prompt_password()
    user = services.create_user(username, password, role, display_name, unit_ids, department_id, actor="cli")
    click.echo(f"已创建用户 {user.username}（{user.role_label}）")


def _prompt_password() -> str:
    """Ask twice without echoing; exit 1 when the two differ."""
    first = click.prompt("密码", hide_input=True)
    second = click.prompt("再次输入密码", hide_input=True)
    if first != second:
        raise RuleError({"password": ["两次输入的密码不一致"]})
    return first
