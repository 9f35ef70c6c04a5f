"""Demo accounts for the sample department, so a fresh install can be tried at once."""

from perf.auth import queries, services
from perf.auth.models import ROLE_LABELS
from perf.org.models import Department
from perf.org.services import main_unit

#: (user name, password, role, display name); the passwords are printed by ``perf demo``.
DEMO_USERS = (
    ("admin", "perf-admin-2024", "admin", "演示管理员"),
    ("reviewer", "perf-review-2024", "reviewer", "演示财务审核"),
    ("owner", "perf-owner-2024", "owner", "演示项目负责人"),
    ("owner2", "perf-owner2-2024", "owner", "演示项目负责人二"),
    ("leader", "perf-leader-2024", "leader", "演示部门领导"),
)


def is_demo_password(username: str, password: str) -> bool:
    """True when ``password`` is the published demo password of the account ``username``."""
    return any(name == username and demo == password for name, demo, _role, _label in DEMO_USERS)


def ensure_demo_users(department: Department) -> list[tuple[str, str, str]]:
    """Create the demo accounts that do not exist yet; return (user name, password, 角色).

    Existing user names are skipped and left out of the result: their passwords may have
    been changed, so printing the demo password for them would mislead.
    """
    own = main_unit(department)
    other = next((unit for unit in department.units if unit is not own), None)
    assignments = {
        "admin": {},
        "reviewer": {"department_id": department.id},
        "owner": {"unit_ids": [own.id]} if own else None,
        "owner2": {"unit_ids": [other.id]} if other else None,
        "leader": {"department_id": department.id},
    }
    created = []
    for username, password, role, name in DEMO_USERS:
        extra = assignments[username]
        if extra is None or queries.username_taken(username):
            continue
        services.create_user(username, password, role, name, actor="cli", **extra)
        created.append((username, password, ROLE_LABELS[role]))
    return created
