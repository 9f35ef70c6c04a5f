"""``perf create-user``."""

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from perf.auth.cli import create_user
from perf.auth.models import User
from perf.cli import perf_group

# The integrator registers the command in perf.cli; until then the tests add it themselves.
perf_group.add_command(create_user)


def run(runner, *args, **kwargs):
    return runner.invoke(args=["perf", "create-user", *args], **kwargs)


def find(session, username) -> User | None:
    return session.scalar(sa.select(User).where(User.username == username))


def test_create_an_owner(runner, session, org):
    args = ["--name", "张会计", "--unit", "测试局本级", "--unit", "测试中心", "--password", "zz-2024a"]
    result = run(runner, "zhang", "--role", "owner", *args)
    assert result.exit_code == 0, result.output + result.stderr
    assert "已创建用户 zhang（项目负责人）" in result.output
    user = find(session, "zhang")
    assert user.display_name == "张会计"
    assert {u.name for u in user.units} == {"测试局本级", "测试中心"}
    assert check_password_hash(user.password_hash, "zz-2024a")


def test_create_a_reviewer_and_an_admin(runner, session, org):
    args = ["--role", "reviewer", "--department", "900", "--password", "lisi-2024a"]
    result = run(runner, "lisi", *args)
    assert result.exit_code == 0, result.stderr
    assert find(session, "lisi").department == org.department
    result = run(runner, "boss", "--role", "admin", "--password", "boss-2024a")
    assert result.exit_code == 0 and "管理员" in result.output


def test_the_password_is_prompted_twice_when_omitted(runner, session, org):
    result = run(runner, "boss", "--role", "admin", input="boss-2024a\nboss-2024a\n")
    assert result.exit_code == 0, result.stderr
    assert "boss-2024a" not in result.output  # hidden input
    assert check_password_hash(find(session, "boss").password_hash, "boss-2024a")


def test_a_mistyped_confirmation_fails(runner, session, org):
    result = run(runner, "boss", "--role", "admin", input="boss-2024a\nboss-2024b\n")
    assert result.exit_code == 1
    assert "两次输入的密码不一致" in result.stderr
    assert find(session, "boss") is None


def test_a_duplicate_username_fails(runner, session, org):
    assert run(runner, "boss", "--role", "admin", "--password", "boss-2024a").exit_code == 0
    result = run(runner, "Boss", "--role", "admin", "--password", "boss-2024a")
    assert result.exit_code == 1
    assert "错误 用户名：该用户名已存在" in result.stderr


def test_a_bad_role_fails_in_chinese(runner, session, org):
    result = run(runner, "boss", "--role", "root", "--password", "boss-2024a")
    assert result.exit_code == 1
    assert "错误 角色：请选择有效的角色" in result.stderr
    assert find(session, "boss") is None


def test_an_owner_needs_a_unit(runner, session, org):
    result = run(runner, "zhang", "--role", "owner", "--password", "zhang-2024")
    assert result.exit_code == 1
    assert "错误 单位：项目负责人至少需要负责一个单位" in result.stderr


def test_bad_fields_fail_before_the_password_prompt(runner, session, org):
    result = run(runner, "zhang", "--role", "owner", input="")
    assert result.exit_code == 1
    assert "项目负责人至少需要负责一个单位" in result.stderr
    assert "密码" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "没有这个单位"], "单位「没有这个单位」不存在"),
        (["--unit", "测试中心", "--department", "000"], "部门编码 000 不存在"),
    ],
)
def test_unknown_units_and_departments_fail(runner, session, org, args, message):
    result = run(runner, "zhang", "--role", "owner", "--password", "zhang-2024", *args)
    assert result.exit_code == 1
    assert message in result.stderr


def test_a_weak_password_fails(runner, session, org):
    result = run(runner, "boss", "--role", "admin", "--password", "12345678")
    assert result.exit_code == 1
    assert "错误 密码：密码不能全部是数字" in result.stderr


def test_a_leader_with_an_email_address(runner, session, org):
    args = ["--role", "leader", "--department", "900", "--email", "wang@example.gov.cn", "--password", "wang-2024a"]
    result = run(runner, "wang", *args)
    assert result.exit_code == 0, result.stderr
    assert "已创建用户 wang（部门领导）" in result.output
    user = find(session, "wang")
    assert (user.department, user.email, user.notify_email, user.digest) == (
        org.department,
        "wang@example.gov.cn",
        True,
        False,
    )
    no_department = run(runner, "zhao", "--role", "leader", "--password", "zhao-2024a")
    assert no_department.exit_code == 1 and "部门领导需要指定所属部门" in no_department.stderr


@pytest.mark.parametrize("address", ["not-an-address", "a@b", "x@example.gov.cn\nBcc: y@z.cn", "a b@c.cn"])
def test_a_bad_email_address_is_refused_and_nothing_created(runner, session, org, address):
    result = run(runner, "qian", "--role", "admin", "--email", address, "--password", "qian-2024a")
    assert result.exit_code == 1 and "电子邮箱：请输入有效的电子邮箱" in result.stderr
    assert find(session, "qian") is None


def test_token_create_prints_the_secret_once_and_audits_it(runner, session, org):
    from perf.audit.models import AuditEntry
    from perf.auth.tokens import find_active

    assert run(runner, "sun", "--role", "admin", "--password", "sun-2024ab").exit_code == 0
    result = runner.invoke(args=["perf", "token", "create", "sun", "--name", "国库对接"])
    assert result.exit_code == 0, result.stderr
    secret = result.output.strip()
    token = find_active(secret)
    assert token is not None and token.user.username == "sun" and token.name == "国库对接"
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "api_token.create"))
    assert secret not in str(entry.summary) and "国库对接" in entry.summary and entry.actor == "cli"
    missing = runner.invoke(args=["perf", "token", "create", "nobody"])
    assert missing.exit_code == 1 and "用户 nobody 不存在或已停用" in missing.stderr
