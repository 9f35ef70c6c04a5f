"""The account rules, hashing, sign-in and the audit trail they leave."""

import json

import pytest
from werkzeug.security import check_password_hash

from perf.auth import queries
from perf.auth.passwords import MASK, authenticate, change_own_password, password_problems, set_password
from perf.auth.services import create_user, update_user, username_problems
from perf.errors import RuleError

GOOD = "s3cret-pass"


def owner(org, username="zhang", **kwargs):
    return create_user(username, GOOD, "owner", "张会计", unit_ids=[org.own.id], **kwargs)


def rule_errors(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(RuleError) as caught:
        create_user(**kwargs)
    return caught.value.errors


# Pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["abc", "a" * 64, "Zhang_San", "z.san-01", "___"])
def test_acceptable_usernames(name):
    assert username_problems(name) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "请输入用户名"),
        ("ab", "用户名长度应为 3–64 个字符"),
        ("a" * 65, "用户名长度应为 3–64 个字符"),
        ("张三丰", "用户名只能包含英文字母、数字和 _ . -"),
        ("bad name", "用户名只能包含英文字母、数字和 _ . -"),
        ("x/y@z", "用户名只能包含英文字母、数字和 _ . -"),
    ],
)
def test_bad_usernames(name, message):
    assert username_problems(name) == [message]


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        ("abcdefg1", []),
        ("1234567b", []),
        ("预算绩效2024", []),  # Chinese counts as a kind of character
        ("correct-horse", []),
        ("", ["请输入密码"]),
        (None, ["请输入密码"]),
        ("abc1234", ["密码至少需要 8 个字符"]),
        ("12345678", ["密码不能全部是数字"]),
        ("1234", ["密码至少需要 8 个字符", "密码不能全部是数字"]),
        ("abcdefgh", ["密码须混合字母、数字、符号中的至少两类"]),
        ("password", ["密码须混合字母、数字、符号中的至少两类", "密码过于常见或过于简单，容易被猜中，请换一个"]),
        ("aaaaaaaa", ["密码须混合字母、数字、符号中的至少两类", "密码过于常见或过于简单，容易被猜中，请换一个"]),
        ("admin123", ["密码过于常见或过于简单，容易被猜中，请换一个"]),
        ("Password1", ["密码过于常见或过于简单，容易被猜中，请换一个"]),
        ("ab1ab1ab1", []),
        ("a1a1a1a1", ["密码过于常见或过于简单，容易被猜中，请换一个"]),
    ],
)
def test_password_rules(password, messages):
    assert password_problems(password) == messages


# create_user -----------------------------------------------------------------------------


def test_passwords_are_hashed_with_scrypt_unless_configured_otherwise():
    from perf.config import Defaults

    assert Defaults.PASSWORD_HASH_METHOD == "scrypt"


def test_create_owner_hashes_the_password(app, session, org):
    saved = app.config["PASSWORD_HASH_METHOD"]
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"  # the production default; the suite uses a cheap one
    try:
        user = owner(org)
    finally:
        app.config["PASSWORD_HASH_METHOD"] = saved
    assert user.id is not None and user.active
    assert [u.name for u in user.units] == ["测试局本级"] and user.department is None
    assert GOOD not in user.password_hash
    assert user.password_hash.startswith("scrypt:")
    assert check_password_hash(user.password_hash, GOOD)
    assert not check_password_hash(user.password_hash, GOOD + "x")


def test_create_is_audited_without_the_hash(session, org, audit):
    user = owner(org, actor="t-admin")
    (entry,) = audit("user.create", user.id)
    assert entry.actor == "t-admin" and entry.object_type == "user"
    assert entry.changes["password"] == [None, MASK]
    assert entry.changes["role"] == [None, "owner"]
    assert entry.changes["units"] == [None, "测试局本级"]
    dumped = json.dumps(entry.changes, ensure_ascii=False)
    assert user.password_hash not in dumped and GOOD not in dumped and "scrypt" not in dumped


def test_reviewer_needs_a_department(session, org):
    errors = rule_errors(username="lisi", password=GOOD, role="reviewer")
    assert errors == {"department_id": ["财务审核需要指定所属部门"]}
    user = create_user("lisi", GOOD, "reviewer", department_id=org.department.id)
    assert user.department is org.department and user.units == []


def test_owner_needs_a_unit(session, org):
    errors = rule_errors(username="zhang", password=GOOD, role="owner")
    assert errors == {"unit_ids": ["项目负责人至少需要负责一个单位"]}


def test_admin_needs_neither_and_keeps_neither(session, org):
    user = create_user("boss", GOOD, "admin", unit_ids=[org.own.id], department_id=org.department.id)
    assert user.units == [] and user.department is None


def test_owner_keeps_no_department(session, org):
    user = owner(org, department_id=org.department.id)
    assert user.department is None


def test_unknown_role_unit_and_department(session, org):
    assert "role" in rule_errors(username="who", password=GOOD, role="boss")
    errors = rule_errors(username="who", password=GOOD, role="owner", unit_ids=[999_999])
    assert errors == {"unit_ids": ["所选单位不存在"]}
    errors = rule_errors(username="who", password=GOOD, role="reviewer", department_id=999_999)
    assert errors == {"department_id": ["所选部门不存在"]}


def test_every_broken_rule_is_reported_at_once(session, org):
    errors = rule_errors(username="x", password="123", role="owner", display_name="名" * 101)
    assert set(errors) == {"username", "password", "unit_ids", "display_name"}


def test_usernames_are_unique_ignoring_case(session, org):
    owner(org, "zhang")
    for name in ("zhang", "ZHANG"):
        errors = rule_errors(username=name, password=GOOD, role="admin")
        assert errors == {"username": ["该用户名已存在"]}


# update_user -----------------------------------------------------------------------------


def test_update_changes_role_and_audits_the_difference(session, org, audit):
    user = owner(org)
    update_user(user, "t-admin", role="reviewer", department_id=org.department.id)
    assert user.role == "reviewer" and user.units == [] and user.department is org.department
    (entry,) = audit("user.update", user.id)
    assert entry.actor == "t-admin"
    assert entry.changes == {
        "role": ["owner", "reviewer"],
        "units": ["测试局本级", ""],
        "department": [None, "900"],
    }


def test_update_without_changes_writes_no_audit(session, org, audit):
    user = owner(org)
    update_user(user, "t-admin", display_name="张会计", unit_ids=[org.own.id], password="")
    assert audit("user.update") == []


def test_update_checks_the_rules_before_writing(session, org):
    user = owner(org)
    with pytest.raises(RuleError) as caught:
        update_user(user, "t-admin", unit_ids=[], password="short")
    assert set(caught.value.errors) == {"unit_ids", "password"}
    assert [u.id for u in user.units] == [org.own.id]


def test_update_can_reset_the_password_masked(session, org, audit):
    user = owner(org)
    update_user(user, "t-admin", password="brand-new-1", active=False)
    assert check_password_hash(user.password_hash, "brand-new-1") and not user.active
    (entry,) = audit("user.update", user.id)
    assert entry.changes == {"active": [True, False], "password": [MASK, MASK]}


def test_update_refuses_unknown_fields(session, org):
    with pytest.raises(TypeError):
        update_user(owner(org), "t-admin", username="renamed")


def test_the_last_active_admin_stays(session, org):
    admin = create_user("boss", GOOD, "admin")
    with pytest.raises(RuleError) as caught:
        update_user(admin, "boss", active=False)
    assert caught.value.errors == {"active": ["至少需要保留一名启用的管理员"]}
    with pytest.raises(RuleError) as caught:
        update_user(admin, "boss", role="reviewer", department_id=org.department.id)
    assert caught.value.errors == {"role": ["至少需要保留一名启用的管理员"]}
    create_user("boss2", GOOD, "admin")
    update_user(admin, "boss2", active=False)
    assert not admin.active


# passwords -------------------------------------------------------------------------------


def test_set_password_checks_and_masks(session, org, audit):
    user = owner(org)
    with pytest.raises(RuleError) as caught:
        set_password(user, "87654321", "t-admin")
    assert caught.value.errors == {"password": ["密码不能全部是数字"]}
    set_password(user, "another-pass", "t-admin")
    assert check_password_hash(user.password_hash, "another-pass")
    (entry,) = audit("user.password", user.id)
    assert entry.changes == {"password": [MASK, MASK]}


def test_change_own_password(session, org):
    user = owner(org)
    with pytest.raises(RuleError) as caught:
        change_own_password(user, "wrong-one", "another-pass")
    assert caught.value.errors == {"current_password": ["当前密码不正确"]}
    with pytest.raises(RuleError) as caught:
        change_own_password(user, GOOD, GOOD)
    assert caught.value.errors == {"password": ["新密码不能与当前密码相同"]}
    change_own_password(user, GOOD, "another-pass")
    assert check_password_hash(user.password_hash, "another-pass")


# authenticate ----------------------------------------------------------------------------


def test_authenticate_stamps_the_login(session, org, audit):
    user = owner(org)
    assert user.last_login_at is None
    assert authenticate(" zhang ", GOOD) is user
    assert user.last_login_at is not None
    (entry,) = audit("user.login", user.id)
    assert entry.actor == "zhang"


def test_authenticate_refuses_wrong_credentials(session, org, audit):
    user = owner(org)
    assert authenticate("zhang", "wrong-pass") is None
    assert authenticate("nobody", GOOD) is None
    assert authenticate("ZHANG", GOOD) is None  # the name must match exactly
    assert authenticate("zhang", "") is None
    assert user.last_login_at is None
    assert [e.summary for e in audit("user.login_failed")] == ["登录失败：密码错误"] * 2


def test_inactive_users_cannot_sign_in(session, org, audit):
    user = owner(org)
    user.active = False
    assert authenticate("zhang", GOOD) is None
    assert audit("user.login_failed")[-1].summary == "登录失败：账户已停用"


def test_no_audit_entry_ever_holds_a_hash(session, org, audit):
    user = owner(org)
    update_user(user, "t-admin", password="brand-new-1")
    set_password(user, "third-pass-1", "t-admin")
    authenticate("zhang", "third-pass-1")
    dumped = json.dumps([e.changes for e in audit()], ensure_ascii=False)
    for secret in (GOOD, "brand-new-1", "third-pass-1", "scrypt:", user.password_hash):
        assert secret not in dumped


# look-ups used by the CLI and forms ----------------------------------------------------


def test_unit_and_department_lookups(session, org):
    assert queries.department_id_by_code("900") == org.department.id
    assert queries.unit_ids_by_name(["测试中心", "测试局本级"]) == [org.other.id, org.own.id]
    with pytest.raises(RuleError) as caught:
        queries.unit_ids_by_name(["不存在的单位"])
    assert caught.value.errors == {"unit_ids": ["单位「不存在的单位」不存在"]}
    with pytest.raises(RuleError):
        queries.department_id_by_code("000")
    groups = queries.unit_choices()
    assert groups["900 测试局"] == [(org.other.id, "测试中心"), (org.own.id, "测试局本级")]
