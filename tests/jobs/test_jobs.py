"""Background jobs: started from a page, run on the queue, their result only for whoever started them."""

import json
from io import BytesIO

import pytest
import sqlalchemy as sa
from huey import signals
from openpyxl import load_workbook

from perf.jobs import kinds, queue, runner, services
from perf.jobs.models import Job
from perf.projects.models import Project

EXPORT = "/departments/306/2024/jobs/self_evaluations"


def _start(client, url, **form):
    response = client.post(url, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return job_id


def test_the_reviewer_exports_every_self_evaluation_as_one_workbook(client, users, login, session):
    login(users["reviewer"])
    job_id = _start(client, EXPORT, format="xlsx")
    status = client.get(f"/jobs/{job_id}/status").get_json()
    projects = session.scalar(sa.select(sa.func.count()).select_from(Project))
    assert (status["status"], status["status_label"], status["done"], status["total"]) == (
        "done",
        "完成",
        projects,
        projects,
    )
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "完成" in page and "下载" in page and f"共 {projects} 个项目" in page
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    assert len(load_workbook(BytesIO(download.data)).sheetnames) == projects


def test_only_who_started_it_or_an_admin_sees_a_job_and_its_file(client, users, login):
    login(users["reviewer"])
    job_id = _start(client, "/departments/306/2024/jobs/midyear")
    for role, expected in (("owner", 403), ("leader", 403), ("admin", 200), ("reviewer", 200)):
        login(users[role])
        assert client.get(f"/jobs/{job_id}").status_code == expected, role
        assert client.get(f"/jobs/{job_id}/download").status_code == expected, role
        assert client.get(f"/jobs/{job_id}/status").status_code == expected, role


def test_a_job_with_nothing_to_export_fails_with_a_chinese_reason(client, users, login):
    login(users["other_owner"])  # their unit holds none of the sample's projects
    job_id = _start(client, EXPORT, format="pdf")
    status = client.get(f"/jobs/{job_id}/status").get_json()
    assert status["status"] == "failed"
    assert status["error"] == "2024 年度该部门没有您可以导出的项目。"
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "失败" in page and "没有您可以导出的项目" in page
    assert client.get(f"/jobs/{job_id}/download").status_code == 404


def test_an_unexpected_failure_says_so_without_a_traceback(client, users, login, monkeypatch):
    def broken(params, user, progress):
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(kinds.KINDS, "midyear", kinds.Kind("全部项目绩效运行监控表", broken))
    login(users["reviewer"])
    job_id = _start(client, "/departments/306/2024/jobs/midyear")
    status = client.get(f"/jobs/{job_id}/status").get_json()
    assert (status["status"], status["error"]) == ("failed", runner.UNEXPECTED)
    assert "boom" not in client.get(f"/jobs/{job_id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "form", "expected"),
    [
        (EXPORT, {"format": "docx"}, 422),
        (EXPORT, {}, 422),
        ("/departments/306/2024/jobs/unknown", {}, 404),
        ("/departments/306/2024/jobs/scan", {}, 404),
        ("/departments/999/2024/jobs/midyear", {}, 404),
        ("/departments/306/1999/jobs/midyear", {}, 404),
    ],
)
def test_a_start_that_names_nothing_is_refused_and_queues_nothing(client, users, login, session, url, form, expected):
    login(users["reviewer"])
    response = client.post(url, data=form)
    assert response.status_code == expected
    if expected == 422:
        assert "请选择文件格式：PDF、Excel" in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_a_scan_started_from_the_dashboard_reports_its_counts(client, users, login):
    login(users["owner"])
    assert client.post("/scans", data={"as_of": "2024-07-01"}).status_code == 403
    login(users["reviewer"])
    job_id = _start(client, "/scans", as_of="2024-07-01")
    status = client.get(f"/jobs/{job_id}/status").get_json()
    assert status["status"] == "done"
    assert status["note"].startswith("已扫描 2024 年度 7 个项目：新增预警 ")
    assert status["download_url"] is None
    assert client.post("/scans", data={"as_of": "2024-13-01"}).status_code == 422


def test_the_summary_page_starts_its_downloads_as_jobs(client, users, login):
    login(users["reviewer"])
    page = client.get("/departments/306/2024/self-evaluations").get_data(as_text=True)
    assert 'action="/departments/306/2024/jobs/summary"' in page
    job_id = _start(client, "/departments/306/2024/jobs/summary", format="xlsx")
    status = client.get(f"/jobs/{job_id}/status").get_json()
    assert status["status"] == "done"
    assert client.get(status["download_url"]).data[:2] == b"PK"


def test_my_jobs_lists_mine_only(client, users, login):
    login(users["reviewer"])
    _start(client, "/departments/306/2024/jobs/midyear")
    assert "部门 306 2024年 全部项目绩效运行监控表（Excel）" in client.get("/jobs").get_data(as_text=True)
    login(users["owner"])
    assert "全部项目绩效运行监控表" not in client.get("/jobs").get_data(as_text=True)


def test_a_queued_job_survives_a_restart(app, users, session, queue_file):
    """Queued on the SQLite queue file; a queue opened afresh on that file (a restart) still runs it."""
    job = services.start("midyear", {"department": "306", "year": 2024}, users["reviewer"])
    session.commit()
    queue.enqueue(job.id)  # what the request does once it has committed
    assert session.get(Job, job.id).status == "queued"
    del app.extensions["perf_jobs_queue"]  # the web server and the worker were restarted
    restarted = queue.queue_of(app)
    assert queue.work_once(restarted)
    session.expire_all()
    done = session.get(Job, job.id)
    assert (done.status, done.done, done.total) == ("done", 7, 7)
    assert (runner.results_folder(app) / done.result_file).is_file()
    assert json.loads(done.params) == {"department": "306", "year": 2024}
    assert not queue.work_once(restarted)


def test_a_job_its_worker_left_unfinished_says_so(app, users, session, queue_file):
    """huey tells of a task the stopping worker interrupted; its job fails with the reason instead of running on."""
    job = services.start("midyear", {"department": "306", "year": 2024}, users["reviewer"])
    job.status = "running"
    session.commit()
    queue.enqueue(job.id)
    huey = queue.queue_of(app)
    task = huey.dequeue()
    huey._emit(signals.SIGNAL_INTERRUPTED, task)  # what the consumer does for a task in flight at shutdown
    session.expire_all()
    assert (session.get(Job, job.id).status, session.get(Job, job.id).error) == ("failed", runner.INTERRUPTED)
