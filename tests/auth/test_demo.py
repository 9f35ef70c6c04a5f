"""Demo accounts for the sample department."""

from perf.auth.demo import ensure_demo_users
from perf.auth.passwords import authenticate
from perf.auth.queries import find_user
from perf.auth.services import create_user
from perf.org.services import ensure_department, ensure_unit


def test_demo_users_cover_every_role(session, org):
    created = ensure_demo_users(org.department)
    assert created == [
        ("admin", "perf-admin-2024", "管理员"),
        ("reviewer", "perf-review-2024", "财务审核"),
        ("owner", "perf-owner-2024", "项目负责人"),
        ("owner2", "perf-owner2-2024", "项目负责人"),
        ("leader", "perf-leader-2024", "部门领导"),
    ]
    assert find_user("reviewer").department == org.department
    assert find_user("leader").department == org.department
    assert find_user("owner").units == [org.own]  # the 本级 unit, though it came second
    assert find_user("owner2").units == [org.other]
    for username, password, _ in created:
        assert authenticate(username, password) is not None


def test_demo_users_are_created_once(session, org):
    ensure_demo_users(org.department)
    assert ensure_demo_users(org.department) == []


def test_existing_usernames_are_skipped(session, org):
    create_user("Admin", "chosen-pass-1", "admin")
    created = ensure_demo_users(org.department)
    assert [username for username, _, _ in created] == ["reviewer", "owner", "owner2", "leader"]
    assert authenticate("Admin", "chosen-pass-1") is not None


def test_a_single_unit_department_has_no_owner2(session):
    department = ensure_department("901", "单一局")
    unit = ensure_unit(department, "单一局机关", "行政", "", "")
    session.refresh(department, ["units"])
    created = ensure_demo_users(department)
    assert [username for username, _, _ in created] == ["admin", "reviewer", "owner", "leader"]
    assert find_user("owner").units == [unit]
