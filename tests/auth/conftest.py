"""Fixtures for the auth tests: a small department of their own, and audit look-ups."""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from perf.audit.models import AuditEntry
from perf.org.services import ensure_department, ensure_unit


@pytest.fixture
def org(session):
    """Department 900 with its 本级 unit and a second unit (no projects, no users)."""
    department = ensure_department("900", "测试局")
    other = ensure_unit(department, "测试中心", "事业", "", "")
    own = ensure_unit(department, "测试局本级", "行政", "", "")
    session.refresh(department, ["units"])
    return SimpleNamespace(department=department, own=own, other=other)


@pytest.fixture
def audit(session):
    """audit(action=None, object_id=None) -> the matching entries, oldest first."""

    def entries(action: str | None = None, object_id: object = None) -> list[AuditEntry]:
        query = sa.select(AuditEntry).order_by(AuditEntry.id)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        if object_id is not None:
            query = query.where(AuditEntry.object_id == str(object_id))
        return list(session.scalars(query))

    return entries
