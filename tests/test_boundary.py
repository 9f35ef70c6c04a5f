"""The one boundary: a request commits once after its view, rolls back on any error, then runs what waited."""

import click
import pytest
import sqlalchemy as sa
from flask import Blueprint
from flask_migrate import upgrade

from perf import boundary, create_app
from perf.audit.models import AuditEntry
from perf.audit.services import record
from perf.errors import RuleError
from perf.extensions import db
from tests.conftest import throwaway_database

sent: list[str] = []
probe = Blueprint("probe", __name__)


@probe.post("/probe/<int:status>")
def write_then_answer(status: int):
    record("probe", "probe.write", "probe", status)
    boundary.after_commit(lambda: sent.append(f"mail {status}"))
    return "", status


@probe.post("/probe/refused")
def refused_then_continue():
    record("probe", "probe.before", "probe", 1)
    with boundary.refusal():
        record("probe", "probe.refused", "probe", 2)
        raise RuleError("不行", "conflict")
    assert boundary.refused().headline == "不行"
    return "", 200


@probe.post("/probe/boom")
def boom():
    record("probe", "probe.boom", "probe", 3)
    raise RuntimeError("boom")


@pytest.fixture
def probing(tmp_path):
    with throwaway_database("perf_boundary", tmp_path) as url:
        config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "PROPAGATE_EXCEPTIONS": False}
        app = create_app({**config, "WTF_CSRF_ENABLED": False})
        app.register_blueprint(probe)
        with app.app_context():
            upgrade()
        sent.clear()
        yield app
        with app.app_context():
            db.engine.dispose()


def actions(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_a_successful_request_commits_then_sends(probing):
    assert probing.test_client().post("/probe/200").status_code == 200
    assert actions(probing) == ["probe.write"] and sent == ["mail 200"]


def test_a_refused_request_writes_and_sends_nothing(probing):
    assert probing.test_client().post("/probe/422").status_code == 422
    assert actions(probing) == [] and sent == []


def test_an_unexpected_failure_rolls_back(probing):
    assert probing.test_client().post("/probe/boom").status_code == 500
    assert actions(probing) == []


def test_a_refusal_rolls_back_only_its_own_write(probing):
    assert probing.test_client().post("/probe/refused").status_code == 200
    assert actions(probing) == ["probe.before"]


def test_a_command_commits_once_or_not_at_all(probing):
    @click.command("probe-ok")
    @boundary.committed
    def ok():
        record("cli", "probe.cli", "probe", 1)
        boundary.after_commit(lambda: sent.append("after"))

    @click.command("probe-refused")
    @boundary.committed(labels={"amount": "金额"})
    def refused():
        record("cli", "probe.cli_refused", "probe", 2)
        raise RuleError({"amount": ["不能为 0"]})

    runner = probing.test_cli_runner()
    with probing.app_context():
        assert runner.invoke(ok).exit_code == 0
        result = runner.invoke(refused)
    assert result.exit_code == 1 and "错误 金额：不能为 0" in (result.stderr or result.output)
    assert actions(probing) == ["probe.cli"] and sent == ["after"]


def test_a_write_that_lost_a_race_is_refused_and_the_session_goes_on(app, session, demo):
    from perf.projects.models import Project

    project = session.scalars(sa.select(Project).order_by(Project.id)).first()
    with app.test_request_context("/"):
        with boundary.refusal():
            # another writer got there first: the row's version moved under the loaded object
            bump = sa.update(Project).where(Project.id == project.id).values(lock_version=Project.lock_version + 1)
            session.execute(bump.execution_options(synchronize_session=False))
            project.goal = "改过的目标"
            session.flush()
        assert boundary.refused().kind == "stale"
        # the page goes on (its top bar, the commit at the boundary): the session is usable
        assert session.scalar(sa.select(sa.func.count(Project.id))) == 7
