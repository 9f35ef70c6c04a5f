"""Two people taking the same step at once against PostgreSQL: one step, one version, and a clean 409 for the other."""

import threading

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from perf import create_app
from perf.auth.models import User
from perf.errors import RuleError
from perf.extensions import db
from perf.projects.models import Project
from perf.projects.services import create_project
from perf.review.workflow import TARGET
from perf.workflow.engine import take
from perf.workflow.models import KeptVersion, StepEvent
from tests.conftest import ENGINE, throwaway_database
from tests.factories import target_table

pytestmark = pytest.mark.skipif(ENGINE != "postgresql", reason="runs in the PostgreSQL half of the suite")


@pytest.fixture
def app_with_a_draft(tmp_path):
    """A database of its own (two connections must see each other's commits) with a draft of the demo owner."""
    with throwaway_database("perf_steps", tmp_path, engine="postgresql") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})
        with app.app_context():
            upgrade()
            assert app.test_cli_runner().invoke(args=["perf", "demo"]).exit_code == 0
            owner = db.session.scalar(sa.select(User).where(User.username == "owner"))
            year = db.session.scalar(sa.select(Project)).budget_year
            draft = create_project(year, owner.units[0], target_table("RACE1"), actor="test")
            db.session.commit()
            draft_id = draft.id
        yield app, draft_id
        with app.app_context():
            db.engine.dispose()


def _submit(app, project_id: int, loaded: threading.Event, go: threading.Event, outcome: dict, name: str):
    """Load the draft, say so, wait for the go, then submit it; note what happened."""
    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.username == "owner"))
        project = db.session.get(Project, project_id)
        assert project.status == "draft"
        loaded.set()
        go.wait(10)
        try:
            take(TARGET, "submit", project, owner, name)
            db.session.commit()
            outcome[name] = "submitted"
        except RuleError as error:
            db.session.rollback()
            outcome[name] = (error.status, error.headline)
        finally:
            db.session.remove()


def test_a_second_submit_at_the_same_moment_is_a_clean_conflict(app_with_a_draft):
    app, project_id = app_with_a_draft
    outcome: dict = {}
    first_loaded, second_loaded, first_go, second_go = (threading.Event() for _ in range(4))
    first = threading.Thread(target=_submit, args=(app, project_id, first_loaded, first_go, outcome, "甲"))
    second = threading.Thread(target=_submit, args=(app, project_id, second_loaded, second_go, outcome, "乙"))
    first.start()
    second.start()
    assert first_loaded.wait(10) and second_loaded.wait(10)  # both read the draft before either wrote
    first_go.set()
    first.join(10)
    second_go.set()  # the second now writes over a row the first has already moved on
    second.join(10)
    assert outcome["甲"] == "submitted"
    assert outcome["乙"] == (409, "绩效目标表已被他人处理，请刷新页面查看最新状态")
    with app.app_context():
        versions = db.session.scalars(
            sa.select(KeptVersion.number).where(KeptVersion.workflow == "target", KeptVersion.subject_id == project_id)
        ).all()
        steps = db.session.scalars(sa.select(StepEvent.comment).where(StepEvent.project_id == project_id)).all()
        assert versions == [1] and steps == ["甲"]
        assert db.session.get(Project, project_id).status == "submitted"


def test_a_submit_waiting_on_the_others_lock_also_gets_the_conflict(app_with_a_draft):
    """The second submit's UPDATE waits for the first transaction's row lock, then finds the row moved on."""
    app, project_id = app_with_a_draft
    outcome: dict = {}
    first_loaded, second_loaded, go = threading.Event(), threading.Event(), threading.Event()
    holding = threading.Event()

    def first_holds_the_lock():
        with app.app_context():
            owner = db.session.scalar(sa.select(User).where(User.username == "owner"))
            project = db.session.get(Project, project_id)
            first_loaded.set()
            second_loaded.wait(10)
            take(TARGET, "submit", project, owner, "甲")  # flushed: the row is locked until the commit
            holding.set()
            go.wait(10)
            db.session.commit()
            outcome["甲"] = "submitted"
            db.session.remove()

    first = threading.Thread(target=first_holds_the_lock)
    second = threading.Thread(target=_submit, args=(app, project_id, second_loaded, holding, outcome, "乙"))
    first.start()
    assert first_loaded.wait(10)
    second.start()
    assert holding.wait(10)
    second.join(1)  # the second is now blocked on the row lock
    assert second.is_alive()
    go.set()
    first.join(10)
    second.join(10)
    assert outcome == {"甲": "submitted", "乙": (409, "绩效目标表已被他人处理，请刷新页面查看最新状态")}
