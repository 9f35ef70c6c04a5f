"""True races on PostgreSQL: two transactions read the same version of an object and both save.

Each race is staged the same way: both read; the first writes and holds its transaction open; the
second writes and blocks on the first's row lock (or its unique key); the first commits; the second
then finds the version moved on (or the rows there) and is refused as stale, or reads them as unchanged.
One writer wins, the other is told, nothing is lost and nothing answers 500.
"""

import threading
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.orm.exc import StaleDataError

from perf import create_app
from perf.actuals.models import ActualValue
from perf.actuals.services import set_actual
from perf.alerts import services as alert_services
from perf.alerts.models import Alert
from perf.audit.models import AuditEntry
from perf.auth.models import User
from perf.auth.services import update_user
from perf.documents.flat import load_targets
from perf.documents.importer import sha256
from perf.errors import STALE, RuleError
from perf.evaluation import workflow as self_evaluation
from perf.extensions import db
from perf.imports import services as uploads
from perf.imports.models import ImportRecord
from perf.projects.models import Indicator, Project
from perf.projects.services import create_project, update_project
from perf.settings import services as settings_services
from perf.settings.models import Setting
from perf.spending import batch
from perf.spending.importer import import_payments
from perf.spending.models import Payment
from perf.spending.schemas import PaymentData
from perf.spending.services import add_payment, correct_payment
from perf.targets.importer import import_targets
from tests.conftest import ENGINE, throwaway_database
from tests.documents import flat_files
from tests.factories import target_table

pytestmark = pytest.mark.skipif(ENGINE != "postgresql", reason="runs in the PostgreSQL half of the suite")

CODE = "13020724P00X4BL10005W"
WAIT = 20


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A database of its own (two connections must see each other's commits): the sample, a scan, a payment."""
    with throwaway_database("perf_races", tmp_path_factory.mktemp("races"), engine="postgresql") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})
        with app.app_context():
            upgrade()
            runner = app.test_cli_runner()
            assert runner.invoke(args=["perf", "demo"]).exit_code == 0
            assert runner.invoke(args=["perf", "scan", "--as-of", "2024-07-01"]).exit_code == 0
            project = db.session.scalar(sa.select(Project).where(Project.code == CODE))
            add_payment(project, PaymentData(CODE, date(2024, 6, 30), D("98000"), "PZ001", note="维护费"), "test")
            db.session.commit()
        yield app
        with app.app_context():
            db.engine.dispose()


def race(app, load, write) -> dict:
    """Run ``write(load())`` in two transactions at once, staged as the module says; each outcome is
    "saved", or the refusal's (kind, messages), or the name of any other exception."""
    outcome: dict = {}
    loaded = {name: threading.Event() for name in ("first", "second")}
    holding, go = threading.Event(), threading.Event()

    def first():
        with app.app_context():
            try:
                thing = load()
                loaded["first"].set()
                assert loaded["second"].wait(WAIT)
                write(thing)
                db.session.flush()
                holding.set()  # written, not committed: the rows are locked
                assert go.wait(WAIT)
                db.session.commit()
                outcome["first"] = "saved"
            except Exception as error:
                outcome["first"] = repr(error)
                holding.set()
            finally:
                db.session.remove()

    def second():
        with app.app_context():
            try:
                thing = load()
                loaded["second"].set()
                assert holding.wait(WAIT)
                write(thing)
                db.session.flush()
                db.session.commit()
                outcome["second"] = "saved"
            except RuleError as error:
                db.session.rollback()
                outcome["second"] = (error.kind, error.messages)
            except StaleDataError:  # version_id_col at flush: every boundary answers it as stale (perf/boundary.py)
                db.session.rollback()
                outcome["second"] = ("stale", [STALE])
            except Exception as error:
                outcome["second"] = repr(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert loaded["first"].wait(WAIT)
    threads[1].start()
    assert holding.wait(WAIT)
    threads[1].join(1)
    outcome["second_waited"] = threads[1].is_alive()  # blocked on the first's lock, not refused before it
    go.set()
    for thread in threads:
        thread.join(WAIT)
    return outcome


def refused_as_stale(outcome: dict) -> list[str]:
    assert outcome["first"] == "saved", outcome
    assert isinstance(outcome["second"], tuple), outcome
    kind, messages = outcome["second"]
    assert kind == "stale", outcome
    return messages


def test_two_corrections_of_one_payment(app):
    def load():
        return db.session.scalar(sa.select(Payment).where(Payment.voucher_no == "PZ001"))

    amounts = iter([D("97000"), D("96500")])

    def write(payment):
        data = PaymentData(CODE, payment.paid_on, next(amounts), payment.voucher_no, note=payment.note)
        correct_payment(payment, data, "test", "按凭证更正")

    outcome = race(app, load, write)
    assert "已被他人修改" in refused_as_stale(outcome)[0] and outcome["second_waited"]
    with app.app_context():
        assert load().amount == D("97000") and load().lock_version == 2


def two_actuals(app, indicator_id: int, on: date, *values: str) -> dict:
    """The race of two saves of one indicator's actual on ``on``, the first saving ``values[0]``."""
    given = iter(values)
    return race(app, lambda: db.session.get(Indicator, indicator_id), lambda i: set_actual(i, next(given), on, "test"))


def test_two_saves_of_one_actual_value(app):
    with app.app_context():
        indicator = db.session.scalar(sa.select(Indicator).join(Project).where(Project.code == CODE).limit(1))
        set_actual(indicator, "40%", date(2024, 6, 30), "test")
        db.session.commit()
        indicator_id = indicator.id
    refused_as_stale(two_actuals(app, indicator_id, date(2024, 6, 30), "45%", "50%"))
    with app.app_context():
        rows = db.session.scalars(sa.select(ActualValue).where(ActualValue.indicator_id == indicator_id)).all()
        assert [(row.value_text, row.lock_version) for row in rows] == [("45%", 2)]


def test_two_first_entries_of_one_actual_value(app):
    """No row yet: both insert; the second meets the first's unique key and is refused, not a 500."""
    with app.app_context():
        indicator_id = db.session.scalar(
            sa.select(Indicator.id).join(Project).where(Project.code == CODE, Indicator.value_text == "≥98%").limit(1)
        )
    refused_as_stale(two_actuals(app, indicator_id, date(2024, 7, 31), "98%", "99%"))
    with app.app_context():
        rows = db.session.scalars(sa.select(ActualValue.value_text).where(ActualValue.indicator_id == indicator_id))
        assert rows.all() == ["98%"]


def test_two_answers_of_one_alert(app):
    with app.app_context():
        alert_id = db.session.scalar(sa.select(Alert.id).where(Alert.kind == "lag", Alert.status == "open").limit(1))
        owner = db.session.scalar(sa.select(User).where(User.username == "owner"))
        owner_id = owner.id
    reasons = iter(["合同 7 月签订", "资金 8 月到位"])

    def load():
        return db.session.get(Alert, alert_id), db.session.get(User, owner_id)

    def write(loaded):
        alert, user = loaded
        alert_services.answer(alert, user, next(reasons), "加快支付", "2024-09-30")

    outcome = race(app, load, write)
    assert "您的说明未保存" in refused_as_stale(outcome)[0]
    with app.app_context():
        alert = db.session.get(Alert, alert_id)
        assert (alert.reason, alert.lock_version) == ("合同 7 月签订", 2)


def test_two_saves_of_the_settings(app):
    days = iter([20, 25])
    outcome = race(app, lambda: None, lambda _: settings_services.save("admin", {"reminder_days": next(days)}))
    assert "系统设置在您打开页面后已被他人修改" in refused_as_stale(outcome)[0]
    with app.app_context():
        assert db.session.get(Setting, "reminder_days").value == 20


def test_two_edits_of_one_account(app):
    names = iter(["王会计", "李会计"])

    def load():
        return db.session.scalar(sa.select(User).where(User.username == "reviewer"))

    outcome = race(app, load, lambda user: update_user(user, "admin", display_name=next(names)))
    refused_as_stale(outcome)
    with app.app_context():
        assert load().display_name == "王会计"


def bulk_items(prefix: str) -> list[dict]:
    return [
        {"project_code": CODE, "date": "2024-07-15", "amount_yuan": "1000.00", "voucher_no": f"{prefix}{n:03d}"}
        for n in range(50)
    ]


def test_the_same_bulk_batch_twice_at_once_is_written_once(app):
    items = bulk_items("BULK")

    def load():
        return db.session.scalar(sa.select(User).where(User.username == "owner"))

    results = []
    outcome = race(app, load, lambda user: results.append(batch.add_payments(items, None, user)))
    assert (outcome["first"], outcome["second"], outcome["second_waited"]) == ("saved", "saved", True)
    assert sorted((r.created, r.unchanged) for r in results) == [(0, 50), (50, 0)]
    with app.app_context():
        stored = db.session.scalar(sa.select(sa.func.count()).where(Payment.voucher_no.like("BULK%")))
        assert stored == 50


def test_the_same_payments_file_imported_twice_at_once_is_written_once(app):
    lines = ["项目编码,支付日期,金额（元）,凭证号,摘要"] + [
        f"{CODE},2024-08-{1 + n % 28:02d},500.00,FILE{n:03d},维护费" for n in range(40)
    ]
    data = "\n".join(lines).encode()
    results = []
    outcome = race(app, lambda: None, lambda _: results.append(import_payments(data, "payments.csv", "cli")))
    assert (outcome["first"], outcome["second"]) == ("saved", "saved")
    assert sorted((len(r.created), len(r.unchanged), len(r.problems)) for r in results) == [(0, 40, 0), (40, 0, 0)]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(Payment.voucher_no.like("FILE%"))) == 40


def test_the_same_flat_target_table_imported_twice_at_once_is_written_once(app):
    """Both find the projects missing unless the second waits for the first import's commit: it then reads them
    as stored (未变) instead of failing on the unique 项目编码."""
    data = flat_files.xlsx()
    results = []

    def write(_):
        results.append(import_targets(load_targets(data, "绩效目标.xlsx", None), sha256(data), "cli"))

    outcome = race(app, lambda: None, write)
    assert (outcome["first"], outcome["second"], outcome["second_waited"]) == ("saved", "saved", True)
    assert sorted((len(r.created), len(r.unchanged), len(r.problems)) for r in results) == [(0, 3, 0), (3, 0, 0)]


def test_two_edits_of_one_draft_table(app):
    """Project keeps SQLAlchemy's version_id_col: the second UPDATE … WHERE lock_version waits, then matches nothing."""
    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.username == "owner"))
        year = db.session.scalar(sa.select(Project).where(Project.code == CODE)).budget_year
        draft_id = create_project(year, owner.units[0], target_table("RACE2"), actor="test").id
        db.session.commit()
    names = iter(["第一人的修改", "第二人的修改"])

    def load():
        project = db.session.get(Project, draft_id)
        return project, project.lock_version

    def write(loaded):
        project, version = loaded
        update_project(project, {**target_table("RACE2"), "name": next(names)}, "test", version)

    outcome = race(app, load, write)
    assert "已被他人修改" in refused_as_stale(outcome)[0] and outcome["second_waited"]
    with app.app_context():
        assert db.session.get(Project, draft_id).name == "第一人的修改"


def test_two_saves_of_one_self_evaluation(app):
    with app.app_context():
        project = db.session.scalar(sa.select(Project).where(Project.code == CODE))
        owner = db.session.scalar(sa.select(User).where(User.username == "owner"))
        rows = [vars(row) for row in self_evaluation.current_rows(project)]
        self_evaluation.save(project, owner, {"outcome": "起草", "rows": rows})
        db.session.commit()
        project_id, owner_id = project.id, owner.id
    outcomes = iter(["第一人的说明", "第二人的说明"])

    def load():
        project = db.session.get(Project, project_id)
        evaluation = self_evaluation.stored_evaluation(project)
        return project, db.session.get(User, owner_id), evaluation.lock_version

    def write(loaded):
        project, user, version = loaded
        rows = [vars(row) for row in self_evaluation.current_rows(project)]
        self_evaluation.save(project, user, {"outcome": next(outcomes), "rows": rows}, version)

    refused_as_stale(race(app, load, write))
    with app.app_context():
        project = db.session.get(Project, project_id)
        assert self_evaluation.stored_evaluation(project).outcome == "第一人的说明"


def test_two_first_saves_of_one_self_evaluation(app):
    """No evaluation stored yet: both pages carry version 0; the second INSERT meets the first's unique
    project_id and is refused as stale, not a 500."""
    with app.app_context():
        project_id = db.session.scalar(sa.select(Project.id).where(Project.code == "13020724P00EL6T100050"))
        owner_id = db.session.scalar(sa.select(User.id).where(User.username == "owner"))
    outcomes = iter(["第一人的说明", "第二人的说明"])

    def load():
        return db.session.get(Project, project_id), db.session.get(User, owner_id)

    def write(loaded):
        project, user = loaded
        rows = [vars(row) for row in self_evaluation.current_rows(project)]
        self_evaluation.save(project, user, {"outcome": next(outcomes), "rows": rows}, 0)

    outcome = race(app, load, write)
    refused_as_stale(outcome)
    with app.app_context():
        project = db.session.get(Project, project_id)
        assert self_evaluation.stored_evaluation(project).outcome == "第一人的说明"


def test_one_upload_applied_twice_at_once_is_applied_once(app):
    """A double click on 确认导入: the second waits for the first's commit, then finds the record applied (409)."""
    rows = [f"{CODE},2024-09-{1 + n:02d},300.00,UP{n:03d},维护费" for n in range(20)]
    data = "\n".join(["项目编码,支付日期,金额（元）,凭证号,摘要", *rows]).encode()
    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.username == "owner"))
        record_id = uploads.check("payments", "payments.csv", data, owner).id
        db.session.commit()

    def load():
        owner = db.session.scalar(sa.select(User).where(User.username == "owner"))
        return db.session.get(ImportRecord, record_id), owner

    outcome = race(app, load, lambda loaded: uploads.apply(*loaded))
    assert outcome["first"] == "saved" and outcome["second_waited"], outcome
    assert outcome["second"] == ("conflict", ["该文件已导入，不能重复导入"]), outcome
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(Payment.voucher_no.like("UP%"))) == 20
        applied = sa.select(sa.func.count()).where(AuditEntry.action == "import.apply")
        assert db.session.scalar(applied.where(AuditEntry.object_id == str(record_id))) == 1
