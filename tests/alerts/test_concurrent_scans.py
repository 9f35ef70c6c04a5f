"""Several scan processes at once against PostgreSQL: each alert and each message exactly once."""

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from perf import create_app
from perf.alerts.models import Alert, InboxItem, Notification
from perf.auth.models import User
from perf.extensions import db
from perf.projects.models import Project
from perf.spending.models import Payment
from tests.alerts.conftest import Mailbox, free_port
from tests.conftest import ENGINE, throwaway_database

pytestmark = pytest.mark.skipif(ENGINE != "postgresql", reason="runs in the PostgreSQL half of the suite")

PROCESSES = 6


@pytest.fixture
def committed_database(tmp_path):
    """A database of its own, with the sample loaded and committed (other processes must see it)."""
    with throwaway_database("perf_conc", tmp_path, engine="postgresql") as url:
        yield url


def perf(url: str, *args: str, env: dict | None = None) -> subprocess.Popen:
    environment = {
        **os.environ,
        "PERF_DATABASE_URL": url,
        "PERF_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        **(env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-c", "from perf.cli import main; main()", *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, out + err
    return out


def test_concurrent_scans_open_and_send_everything_once(committed_database):
    url = committed_database
    finish(perf(url, "db", "upgrade"))
    finish(perf(url, "demo"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        for user in db.session.scalars(sa.select(User).where(User.role.in_(("owner", "reviewer")))):
            user.email = f"{user.username}@example.gov.cn"
        trading = db.session.scalar(sa.select(Project).where(Project.code == "13020724P00EL6T100050"))
        db.session.add(
            Payment(
                project_id=trading.id,
                paid_on=date(2024, 5, 10),
                amount=Decimal("115150.00"),
                voucher_no="V1",
                source="fiscal",
            )
        )
        db.session.commit()

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {"PERF_MAIL_HOST": "127.0.0.1", "PERF_MAIL_PORT": str(port)}
        processes = [perf(url, "scan", "--as-of", "2024-07-01", env=env) for _ in range(PROCESSES)]
        outputs = [finish(p) for p in processes]
    finally:
        controller.stop()

    with app.app_context():
        alerts = db.session.scalars(sa.select(Alert)).all()
        notifications = db.session.scalars(sa.select(Notification)).all()
        inbox = db.session.scalar(sa.select(sa.func.count(InboxItem.id)))
        db.engine.dispose()
    assert len(alerts) == 7 and {a.status for a in alerts} == {"open"}
    # owner (本级) and reviewer have addresses: two messages per alert, each sent once
    assert len(notifications) == 14
    assert {n.status for n in notifications} == {"sent"}
    assert len(mailbox.messages) == 14
    assert len({(m["To"], str(m["Subject"])) for m in mailbox.messages}) == 14
    assert inbox == 14  # owner2 has no project in this unit; owner and reviewer get one each
    opened = [
        int(line.split("新预警 ")[1].split("，")[0]) for o in outputs for line in o.splitlines() if "新预警" in line
    ]
    assert sum(opened) == 7  # exactly one process opened each alert
