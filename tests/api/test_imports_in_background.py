"""A large upload is checked by a background job: ``checking`` with a progress bar, then the preview."""

import io
from datetime import date

import pytest
from huey import signals

from perf.imports import services
from perf.imports.models import ImportRecord
from perf.jobs import queue, runner
from perf.jobs.models import Job
from tests.imports.conftest import CODE, OTHER, xlsx

ROWS = [
    [CODE, date(2024, 6, 30), "90,000.00", "PZ001", "网络维护费"],
    [OTHER, "2024/3/1", 12345.67, "PZ001", "办公设备"],
]


@pytest.fixture
def worker(app, queue_file, monkeypatch):
    """Every upload counts as large; its check waits on the queue until ``worker()`` takes it."""
    monkeypatch.setitem(app.config, "IMPORT_BACKGROUND_KB", 0)
    return lambda: queue.work_once(queue.queue_of(app))


def _api_upload(api, rows=ROWS):
    data = {"kind": "payments", "file": (io.BytesIO(xlsx(rows)), "支付.xlsx")}
    return api("POST", "/api/v1/imports", "reviewer", data=data, content_type="multipart/form-data")


def test_the_api_answers_checking_until_the_worker_has_checked(api, tokens, session, worker):
    started = _api_upload(api)
    assert started.status_code == 202 and started.get_json()["status"] == "checking"
    record_id = started.get_json()["id"]
    waiting = api("GET", f"/api/v1/imports/{record_id}", "reviewer").get_json()
    assert (waiting["status"], waiting["progress"], waiting["summary"]) == (
        "checking",
        0,
        {"new": 0, "changed": 0, "unchanged": 0},
    )
    early = api("POST", f"/api/v1/imports/{record_id}/apply", "reviewer")
    assert early.status_code == 409  # not checked yet
    assert worker()
    session.expire_all()
    checked = api("GET", f"/api/v1/imports/{record_id}", "reviewer").get_json()
    assert (checked["status"], checked["progress"]) == ("checked", 100)
    assert checked["summary"] == {"new": 2, "changed": 0, "unchanged": 0}
    job = session.get(Job, session.get(ImportRecord, record_id).job_id)
    assert (job.kind, job.status, job.note) == ("import_check", "done", "检查完成：新增 2，变更 0，未变 0，问题 0 处")
    applied = api("POST", f"/api/v1/imports/{record_id}/apply", "reviewer")
    assert applied.status_code == 200 and applied.get_json()["status"] == "applied"


def test_the_page_shows_the_progress_bar_then_the_preview(client, login, users, session, worker):
    login(users["reviewer"])
    sent = client.post(
        "/imports",
        data={"kind": "payments", "file": (io.BytesIO(xlsx(ROWS)), "支付.xlsx")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "文件较大，正在后台检查" in page and 'id="job-bar"' in page and "job-progress.js" in page
    assert 'id="apply-import"' not in page
    listed = client.get("/jobs").get_data(as_text=True)
    assert "检查导入文件：支付.xlsx" in listed
    assert worker()
    session.expire_all()
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "将新增 2 笔、变更 0 笔、未变 0 笔" in page and 'id="apply-import"' in page
    assert 'id="job-bar"' not in page


def test_a_small_file_is_still_checked_in_the_request(api, tokens, app, session, worker, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_BACKGROUND_KB", 256)
    started = _api_upload(api)
    assert started.get_json()["status"] == "checked"
    assert session.get(ImportRecord, started.get_json()["id"]).job_id is None
    assert not worker()  # nothing was queued


def test_a_check_that_breaks_in_the_worker_leaves_a_failed_record(api, tokens, session, worker, monkeypatch):
    record_id = _api_upload(api).get_json()["id"]

    def broken(_record):
        raise RuntimeError("the reader broke")

    monkeypatch.setattr(services, "run_check", broken)
    assert worker()
    session.expire_all()
    shown = api("GET", f"/api/v1/imports/{record_id}", "reviewer").get_json()
    assert shown["status"] == "failed"
    assert shown["problems"] == [{"where": "文件", "message": f"检查未完成：{runner.UNEXPECTED}"}]


def test_a_check_its_worker_left_unfinished_says_so(api, tokens, session, worker, queue_file):
    record_id = _api_upload(api).get_json()["id"]
    huey = queue_file
    task = huey.dequeue()
    session.get(Job, session.get(ImportRecord, record_id).job_id).status = "running"
    session.commit()
    huey._emit(signals.SIGNAL_INTERRUPTED, task)  # the consumer stopping with the task in flight
    session.expire_all()
    shown = api("GET", f"/api/v1/imports/{record_id}", "reviewer").get_json()
    assert shown["status"] == "failed"
    assert shown["problems"][0]["message"] == f"检查未完成：{runner.INTERRUPTED}"
