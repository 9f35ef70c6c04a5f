"""The admin's user pages and one's own account page."""

import re

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from perf.auth.models import User
from perf.org.models import Department, Unit
from tests.conftest import PASSWORD

ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/users/{id}"]
FORM_PAGES = ADMIN_PAGES[1:]


@pytest.fixture
def admin(users, login):
    """The test client signed in as t-admin."""
    return login(users["admin"])


@pytest.fixture
def sample(session, users):
    """Department 306 and its units (本级 first)."""
    department = session.scalar(sa.select(Department).where(Department.code == "306"))
    own, other = session.scalars(sa.select(Unit).order_by(Unit.id)).all()
    return department, own, other


def find(session, username) -> User | None:
    return session.scalar(sa.select(User).where(User.username == username))


def test_the_list_shows_every_user(admin, users):
    page = admin.get("/admin/users").get_data(as_text=True)
    for username in ("t-owner", "t-other", "t-reviewer", "t-admin"):
        assert username in page
    assert "项目负责人" in page and "财务审核" in page and "管理员" in page
    assert "唐山市丰南区行政审批局" in page and "从未登录" in page
    assert f'href="/admin/users/{users["owner"].id}"' in page


def test_the_list_runs_a_fixed_number_of_queries(app, admin, users, session, sample, count_queries):
    _, own, other = sample
    for i in range(10):
        session.add(User(username=f"more-{i}", role="owner", units=[own, other], password_hash="x"))
    session.flush()
    with count_queries() as counted:
        admin.get("/admin/users")
    assert len(counted) <= 6, counted  # with the pager's count and the unit filter's choices


def test_admin_creates_an_owner(admin, session, sample, audit):
    _, own, _ = sample
    response = admin.post(
        "/admin/users/new",
        data={
            "username": "wang.wu",
            "display_name": "王五",
            "role": "owner",
            "unit_ids": [str(own.id)],
            "department_id": "",
            "password": "wangwu-2024",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    user = find(session, "wang.wu")
    assert user.display_name == "王五" and user.units == [own] and user.active
    assert check_password_hash(user.password_hash, "wangwu-2024")
    assert audit("user.create", user.id)[0].actor == "t-admin"
    assert "已创建用户 wang.wu" in admin.get("/admin/users").get_data(as_text=True)


def test_the_new_user_form_lists_units_by_department(admin, sample):
    _, own, other = sample
    page = admin.get("/admin/users/new").get_data(as_text=True)
    assert "306 唐山市丰南区行政审批局" in page
    assert f'name="unit_ids" value="{own.id}"' in page
    assert f'name="unit_ids" value="{other.id}"' in page
    assert "负责单位" in page and "所属部门" in page and "角色" in page


def test_an_owner_without_units_is_refused_and_the_typed_values_kept(admin, session):
    response = admin.post(
        "/admin/users/new",
        data={"username": "zhao.liu", "display_name": "赵六", "role": "owner", "password": "x"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "项目负责人至少需要负责一个单位" in page
    assert "密码至少需要 8 个字符" in page
    assert 'value="zhao.liu"' in page and 'value="赵六"' in page
    assert '<option selected value="owner">' in page
    assert find(session, "zhao.liu") is None


def test_create_needs_a_password_and_a_good_username(admin, session, sample):
    department, _, _ = sample
    response = admin.post(
        "/admin/users/new",
        data={"username": "李四", "role": "reviewer", "department_id": str(department.id)},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "请设置初始密码" in page and "用户名长度应为 3–64 个字符" in page  # both at once
    assert "未保存：2 处问题" in page
    response = admin.post(
        "/admin/users/new",
        data={
            "username": "t-owner",
            "role": "reviewer",
            "department_id": str(department.id),
            "password": "good-pass-1",
        },
    )
    assert "该用户名已存在" in response.get_data(as_text=True)


def test_a_bad_choice_gets_a_chinese_message(admin, session):
    response = admin.post(
        "/admin/users/new",
        data={"username": "zhou", "role": "root", "unit_ids": "abc", "password": "good-pass-1"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "请选择有效的角色" in page and "所选单位无效" in page


def test_admin_edits_a_user(admin, users, session, sample, audit):
    department, _, _ = sample
    owner = users["owner"]
    page = admin.get(f"/admin/users/{owner.id}").get_data(as_text=True)
    assert "t-owner" in page and 'value="本级负责人"' in page and "重设密码" in page
    response = admin.post(
        f"/admin/users/{owner.id}",
        data={
            "display_name": "新名字",
            "role": "reviewer",
            "department_id": str(department.id),
            "active": "y",
            "password": "",
        },
    )
    assert response.status_code == 302
    session.refresh(owner)
    assert owner.role == "reviewer" and owner.department == department and owner.units == []
    assert owner.display_name == "新名字"
    assert check_password_hash(owner.password_hash, PASSWORD)
    assert audit("user.update", owner.id)[-1].changes["role"] == ["owner", "reviewer"]


def test_edit_errors_are_shown_with_what_was_typed(admin, users, session):
    owner = users["owner"]
    response = admin.post(
        f"/admin/users/{owner.id}",
        data={"display_name": "改过的名字", "role": "reviewer", "active": "y"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "财务审核需要指定所属部门" in page and 'value="改过的名字"' in page
    session.refresh(owner)
    assert owner.role == "owner" and owner.display_name == "本级负责人"


def test_admin_resets_a_password_and_deactivates(admin, users, session, sample, client):
    _, own, _ = sample
    owner = users["owner"]
    response = admin.post(
        f"/admin/users/{owner.id}",
        data={"role": "owner", "unit_ids": [str(own.id)], "password": "reset-pass-1"},
    )
    assert response.status_code == 302
    session.refresh(owner)
    assert not owner.active  # the box was left unticked
    assert check_password_hash(owner.password_hash, "reset-pass-1")


def test_the_last_admin_cannot_be_deactivated(admin, users, session):
    me = users["admin"]
    others = sa.update(User).where(User.role == "admin", User.id != me.id).values(active=False)
    session.execute(others)  # e.g. the demo's own admin, once `perf demo` creates one
    response = admin.post(f"/admin/users/{me.id}", data={"role": "admin"})
    assert response.status_code == 200
    assert "至少需要保留一名启用的管理员" in response.get_data(as_text=True)


def test_an_unknown_user_is_404(admin):
    assert admin.get("/admin/users/999999").status_code == 404


@pytest.mark.parametrize("role", ["owner", "reviewer"])
def test_non_admins_are_refused(users, login, session, role):
    client = login(users[role])
    for path in ADMIN_PAGES:
        assert client.get(path.format(id=users["owner"].id)).status_code == 403, path
    for path in FORM_PAGES:
        url = path.format(id=users["owner"].id)
        response = client.post(url, data={"username": "intruder", "role": "admin"})
        assert response.status_code == 403, path
    session.refresh(users["owner"])
    assert users["owner"].role == "owner"
    assert session.scalar(sa.select(User).where(User.username == "intruder")) is None


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_login(client, users, path):
    response = client.get(path.format(id=users["owner"].id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/users")


# one's own account -----------------------------------------------------------------------


def test_the_account_page_shows_who_one_is(users, login):
    page = login(users["owner"]).get("/account").get_data(as_text=True)
    assert "t-owner" in page and "项目负责人" in page and "唐山市丰南区行政审批局本级" in page
    assert "当前密码" in page and "确认新密码" in page


def test_anonymous_account_redirects_to_login(client, session):
    assert client.get("/account").headers["Location"].startswith("/login?next=")


def test_change_own_password(users, login, session, audit):
    client = login(users["reviewer"])
    response = client.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": "fresh-pass-1",
            "confirm": "fresh-pass-1",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    session.refresh(users["reviewer"])
    assert check_password_hash(users["reviewer"].password_hash, "fresh-pass-1")
    assert audit("user.password", users["reviewer"].id)[-1].actor == "t-reviewer"
    assert "密码已修改" in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"current_password": "wrong-pass", "new_password": "fresh-pass-1"}, "当前密码不正确"),
        ({"current_password": PASSWORD, "new_password": "12345678"}, "密码不能全部是数字"),
        ({"current_password": PASSWORD, "new_password": "short"}, "密码至少需要 8 个字符"),
        (
            {"current_password": PASSWORD, "new_password": "fresh-pass-1", "confirm": "other"},
            "两次输入的新密码不一致",
        ),
        ({"new_password": "fresh-pass-1"}, "请输入当前密码"),
    ],
)
def test_bad_password_changes_are_explained(users, login, session, data, message):
    data = {"confirm": data.get("new_password", ""), **data}
    response = login(users["owner"]).post("/account", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    session.refresh(users["owner"])
    assert check_password_hash(users["owner"].password_hash, PASSWORD)


def test_a_user_sets_their_own_address_and_preferences(client, users, login, session):
    from perf.audit.models import AuditEntry

    login(users["owner"])
    page = client.get("/account").get_data(as_text=True)
    assert "消息接收" in page and "电子邮箱" in page
    bad = client.post("/account/notices", data={"email": "zhang@", "notify_email": "y"})
    shown = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "请输入有效的电子邮箱" in shown and 'value="zhang@"' in shown
    assert users["owner"].email in ("", None)
    good = client.post("/account/notices", data={"email": "zhang@example.gov.cn", "notify_email": "y", "digest": "y"})
    assert good.status_code == 302
    session.refresh(users["owner"])
    assert (users["owner"].email, users["owner"].notify_email, users["owner"].digest) == (
        "zhang@example.gov.cn",
        True,
        True,
    )
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "user.update")).all()[-1]
    assert entry.changes["email"] == ["", "zhang@example.gov.cn"] and entry.changes["digest"] == [False, True]


def test_the_admin_gives_a_user_an_address(client, users, login, session):
    login(users["admin"])
    form = client.get(f"/admin/users/{users['reviewer'].id}").get_data(as_text=True)
    assert 'name="email"' in form and "部门领导" in form
    data = {"role": "reviewer", "department_id": str(users["reviewer"].department_id), "email": "li@example.gov.cn"}
    data["active"] = "y"
    assert client.post(f"/admin/users/{users['reviewer'].id}", data=data).status_code == 302
    session.refresh(users["reviewer"])
    assert users["reviewer"].email == "li@example.gov.cn" and users["reviewer"].notify_email is False


def _listed(page: str) -> list[str]:
    return re.findall(r'<td class="code">([^<]+)</td>', page)


def test_the_user_list_searches_filters_by_role_and_unit_and_pages(admin, users, sample):
    other = sample[2]
    page = admin.get("/admin/users").get_data(as_text=True)
    assert {"t-owner", "t-other", "t-reviewer", "t-admin"} <= set(_listed(page))
    assert _listed(admin.get("/admin/users?q=中心负责").get_data(as_text=True)) == ["t-other"]
    assert _listed(admin.get("/admin/users?q=T-REV").get_data(as_text=True)) == ["t-reviewer"]
    reviewers = admin.get("/admin/users?role=reviewer").get_data(as_text=True)
    assert "t-reviewer" in _listed(reviewers) and not {"t-owner", "t-admin", "t-leader"} & set(_listed(reviewers))
    assert 'value="reviewer" selected' in reviewers
    of_unit = set(_listed(admin.get(f"/admin/users?unit={other.id}").get_data(as_text=True)))
    assert "t-other" in of_unit and "t-owner" not in of_unit and "t-reviewer" in of_unit  # its department's too
    paged = admin.get("/admin/users?per_page=2&page=2").get_data(as_text=True)
    assert "第 2 页，共" in paged and len(_listed(paged)) == 2 and 'rel="prev"' in paged
    assert "没有符合条件的用户" in admin.get("/admin/users?q=没有这个人").get_data(as_text=True)
    for query in ("page=abc", "page=99999999999999999999", "role=root", "unit=x", "unit=99999999999999999999"):
        assert admin.get(f"/admin/users?{query}").status_code == 200, query
