"""A finance office's year in the real browser, with a real local SMTP server.

Owner and reviewer work side by side (a browser context each) on a live perf server of their own
(its own copy of the sample and its own mail server, so the other browser tests' server is not
touched): the owner submits a table → the reviewer's 待办 count rises and an e-mail reaches the
reviewer → the reviewer returns it with a comment → the owner's home shows it 已退回 with the
comment and an e-mail reaches the owner → the owner fixes it and resubmits, the reviewer approves
→ the scan opens red alerts → ``perf remind`` 10 and 20 days later sends one reminder and then one
escalation, and nothing more when run again → the owner answers, the reviewer sends the answer
back, the owner answers again, the reviewer closes the alert.

The scan and the reminder job are the commands the scheduler runs, run here as an office's server
would, on the live server's database with replayed dates (``--as-of``).
"""

import json
import logging
import threading
import time
import uuid

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect
from werkzeug.serving import make_server

from perf import create_app
from perf.extensions import db
from tests.alerts.conftest import Mailbox, free_port
from tests.browser.conftest import TIMEOUT_MS, sign_in
from tests.conftest import cli_runner, throwaway_database

pytestmark = pytest.mark.browser

CODE = "13020724P00X4BL10005W"
NAME = "“互联网+政务服务”行政审批网络维护费"
RETURN_COMMENT = "请把年度绩效目标写具体：写明维护的系统和保障时长"
SEND_BACK = "原因说得太笼统，请说明合同签订推迟的具体原因"
ADDRESSES = {"owner": "owner@fengnan.gov.cn", "reviewer": "reviewer@fengnan.gov.cn", "leader": "leader@fengnan.gov.cn"}


# A server of its own, with a mail server -------------------------------------------------------


@pytest.fixture(scope="module")
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def office_app(tmp_path_factory, sample_template, mailbox):
    _, port = mailbox
    folder = tmp_path_factory.mktemp("office-year-db")
    with throwaway_database("perf_office_year", folder, template=sample_template.url) as url:
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "WTF_CSRF_ENABLED": True,
                "SECRET_KEY": f"office-{uuid.uuid4().hex}",
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                "MAIL_HOST": "127.0.0.1",
                "MAIL_PORT": port,
                "MAIL_FROM": "perf@fengnan.gov.cn",
            }
        )
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def office_server(office_app):
    werkzeug_log = logging.getLogger("werkzeug")
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, office_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="perf-office-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        werkzeug_log.setLevel(level)


@pytest.fixture
def desk(browser, office_server):
    """desk("owner") is a signed-in page of its own browser context; confirmations are accepted."""
    contexts = []
    expect.set_options(timeout=TIMEOUT_MS)

    def open_desk(username: str):
        ctx = browser.new_context(base_url=office_server, locale="zh-CN", viewport={"width": 1366, "height": 900})
        ctx.set_default_timeout(TIMEOUT_MS)
        contexts.append(ctx)
        page = ctx.new_page()
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.accept()))
        sign_in(page, username)
        return page

    yield open_desk
    for ctx in contexts:
        ctx.close()


# Helpers ---------------------------------------------------------------------------------------


def mails_to(mailbox, username: str) -> list[tuple[str, str]]:
    """(subject, body) of every mail the SMTP server accepted for the user, oldest first."""
    box, _ = mailbox
    address = ADDRESSES[username]
    return [(str(m["Subject"]), m.get_body(("plain",)).get_content()) for m in box.messages if m["To"] == address]


def wait_for_mail(mailbox, username: str, subject_start: str, count: int = 1) -> list[tuple[str, str]]:
    """The user's mails whose subject starts so, once ``count`` of them have arrived (delivery is after the commit)."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        found = [mail for mail in mails_to(mailbox, username) if mail[0].startswith(subject_start)]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def todo_count(page, kind: str) -> int:
    """The home page's 待办 rows of that kind, after checking the top bar counts every row."""
    page.goto("/")
    badge = page.locator("#todo-count")
    rows = page.locator("#todo-list tbody tr")
    assert (int(badge.inner_text()) if badge.count() else 0) == rows.count()
    return page.locator(f"#todo-list tr[data-kind='{kind}']").count()


def perf(office_app, *args: str):
    result = cli_runner(office_app).invoke(args=["perf", *args])
    assert result.exit_code == 0, result.output + (result.stderr or "") + repr(result.exception)
    return result.output


def remind(office_app, as_of: str) -> list[dict]:
    return json.loads(perf(office_app, "remind", "--as-of", as_of, "--json"))


def set_address(page, username: str) -> None:
    page.goto("/account")
    page.locator("#email").fill(ADDRESSES[username])
    page.locator("#notice-form").get_by_role("button", name="保存设置").click()
    expect(page.locator("p.flash").first).to_be_visible()
    expect(page.locator("#email")).to_have_value(ADDRESSES[username])


def open_todo(page, kind: str, code: str = CODE) -> None:
    """Follow the home page's 待办 item of that kind for the project."""
    page.goto("/")
    item = page.locator(f"#todo-list tr[data-kind='{kind}']").filter(has_text=code)
    expect(item).to_have_count(1)
    item.locator("a").click()
    page.wait_for_load_state()


def answer_alert(page, reason: str, measures: str, catch_up_on: str) -> None:
    form = page.locator("#answer-form")
    form.locator("textarea[name='reason']").fill(reason)
    form.locator("textarea[name='measures']").fill(measures)
    form.locator("input[name='catch_up_on']").fill(catch_up_on)
    form.get_by_role("button", name="提交说明").click()
    expect(page.locator("p.flash").first).to_be_visible()


# The year --------------------------------------------------------------------------------------


def test_a_year_of_the_office_with_mail(desk, office_app, mailbox, shoot):
    owner, reviewer, leader = desk("owner"), desk("reviewer"), desk("leader")
    for page, username in ((owner, "owner"), (reviewer, "reviewer"), (leader, "leader")):
        set_address(page, username)
    shoot(owner, "office-01-owner-home")
    shoot(reviewer, "office-02-reviewer-home")
    shoot(leader, "office-03-leader-home")

    # The owner reopens the approved table (申请调整) and submits it.
    assert todo_count(reviewer, "target_review") == 0
    owner.goto(f"/projects/2024/{CODE}")
    owner.locator("textarea[name='comment']").first.fill("年度目标需要细化")
    owner.locator("#adjust-button").click()
    expect(owner.locator("#project-status")).to_have_text("调整中")
    owner.locator("#submit-button").click()
    expect(owner.locator("#project-status")).to_have_text("调整待审")
    assert any("确定提交审核" in asked for asked in owner.dialogs)

    # The reviewer's 待办 count rises by the table to review, and an e-mail arrived.
    assert todo_count(reviewer, "target_review") == 1
    submitted = wait_for_mail(mailbox, "reviewer", f"【绩效目标表提交审核】{CODE}")
    assert len(submitted) == 1 and "操作人：演示项目负责人" in submitted[0][1]
    assert f"/projects/2024/{CODE}" in submitted[0][1]

    # The reviewer opens it from the 待办 and returns it with a comment.
    open_todo(reviewer, "target_review")
    expect(reviewer.locator("h1")).to_contain_text(NAME)
    reviewer.locator("#review-comment").fill(RETURN_COMMENT)
    reviewer.locator("#return-button").click()
    expect(reviewer.locator("#project-status")).to_have_text("已退回")
    assert todo_count(reviewer, "target_review") == 0

    # The owner's home shows it 已退回 with the comment; an e-mail with the comment arrived.
    owner.goto("/")
    returned = owner.locator("#todo-list tr[data-kind='target_returned']").filter(has_text=CODE)
    expect(returned).to_contain_text(f"已退回：{RETURN_COMMENT}")
    shoot(owner, "office-04-owner-home-returned")
    returned_mail = wait_for_mail(mailbox, "owner", f"【绩效目标表退回修改】{CODE}")
    assert len(returned_mail) == 1 and RETURN_COMMENT in returned_mail[0][1]
    returned.locator("a").click()
    expect(owner.locator("#returned-banner")).to_contain_text(RETURN_COMMENT)
    expect(owner.locator("#project-status")).to_have_text("已退回")
    shoot(owner, "office-05-returned-table")

    # The owner fixes the goal, saves, resubmits; the reviewer approves (with confirmation).
    owner.locator("#edit-link").click()
    owner.locator("#goal").fill("全年保障行政审批网络和政务服务系统稳定运行，故障修复不超过4小时。")
    owner.locator("#save-button").click()
    expect(owner.locator("p.flash").first).to_be_visible()
    owner.locator("#submit-button").click()
    expect(owner.locator("#project-status")).to_have_text("调整待审")
    assert len(wait_for_mail(mailbox, "reviewer", f"【绩效目标表提交审核】{CODE}", count=2)) == 2
    open_todo(reviewer, "target_review")
    reviewer.locator("#approve-button").click()
    expect(reviewer.locator("#project-status")).to_have_text("已批复")
    assert any("确定批复" in asked for asked in reviewer.dialogs)
    approved = wait_for_mail(mailbox, "owner", f"【绩效目标表批复】{CODE}")
    assert len(approved) == 1

    # The mid-year scan finds nothing paid by 6月底: every project gets a red alert.
    perf(office_app, "scan", "--as-of", "2024-07-01")
    owner.goto("/")
    expect(owner.locator("#todo-list tr[data-kind='alert_answer']")).to_have_count(7)

    # Ten days on, one reminder per alert to the owner; run again, nothing new.
    assert remind(office_app, "2024-07-10") == []
    reminders = remind(office_app, "2024-07-11")
    assert {(r["user"], r["kind"], r["stage"]) for r in reminders} == {("owner", "alert_answer", "reminder")}
    assert sorted(r["project_code"] for r in reminders).count(CODE) == 1 and len(reminders) == 7
    assert remind(office_app, "2024-07-11") == []
    assert len(wait_for_mail(mailbox, "owner", "【预警逾期未说明】", count=7)) == 7
    # twenty days on, one escalation to the department's reviewer and leader; then nothing more
    escalations = remind(office_app, "2024-07-21")
    assert {(r["user"], r["stage"]) for r in escalations} == {("reviewer", "escalation"), ("leader", "escalation")}
    assert len(escalations) == 14
    assert remind(office_app, "2024-07-21") == []
    assert remind(office_app, "2024-07-22") == []
    for username in ("reviewer", "leader"):
        assert len(wait_for_mail(mailbox, username, "【预警逾期未说明（已上报）】", count=7)) == 7
    time.sleep(0.5)  # nothing sent twice, however late the last delivery runs
    assert len(wait_for_mail(mailbox, "owner", "【预警逾期未说明】", count=8)) == 7
    leader.goto("/")
    expect(leader.locator("#todo-list tr[data-kind='alert_answer']")).to_have_count(7)
    shoot(leader, "office-06-leader-home-escalations")

    # The owner answers the alert: a first try with no measures and a catch-up date before the
    # checkpoint is refused with both problems at once, keeping what was typed; then the answer.
    open_todo(owner, "alert_answer")
    expect(owner.locator("#planned-amount")).to_contain_text("元")
    form = owner.locator("#answer-form")
    form.locator("textarea[name='reason']").fill("网络维护合同续签推迟")
    form.locator("input[name='catch_up_on']").fill("2024-06-15")
    form.get_by_role("button", name="提交说明").click()
    expect(owner.locator("#form-errors .banner-title")).to_have_text("未保存：2 处问题")
    expect(form.locator(".field-errors li")).to_have_count(2)
    expect(form.locator("textarea[name='reason']")).to_have_value("网络维护合同续签推迟")
    expect(form.locator("input[name='catch_up_on']")).to_have_value("2024-06-15")
    shoot(owner, "office-06b-alert-answer-refused")
    answer_alert(owner, "网络维护合同续签推迟", "7月完成合同签订并支付首期款", "2024-09-30")
    answered = wait_for_mail(mailbox, "reviewer", f"【预警已说明】{CODE}")
    assert len(answered) == 1 and "网络维护合同续签推迟" in answered[0][1]

    # The reviewer sends the answer back with a comment; the owner hears of it.
    open_todo(reviewer, "alert_review")
    reviewer.locator("#send-back").click()  # no comment: refused at its form
    expect(reviewer.locator("#send-back-form-errors .banner-title")).to_have_text("未保存：1 处问题")
    expect(reviewer.locator("#alert-status")).to_have_text("已说明")
    reviewer.locator("#send-back-comment").fill(SEND_BACK)
    reviewer.locator("#send-back").click()
    expect(reviewer.locator("p.flash").first).to_be_visible()
    sent_back = wait_for_mail(mailbox, "owner", f"【预警说明被退回】{CODE}")
    assert len(sent_back) == 1 and SEND_BACK in sent_back[0][1]

    # The owner answers again, from the 待办 item the send-back put there.
    open_todo(owner, "alert_answer")
    answer_alert(owner, "原合同6月30日到期，续签需重新比价，7月15日已签订", "7月底前支付首期款50%", "2024-09-30")
    assert len(wait_for_mail(mailbox, "reviewer", f"【预警已说明】{CODE}", count=2)) == 2

    # The reviewer reads the whole conversation and closes the alert.
    open_todo(reviewer, "alert_review")
    turns = reviewer.locator("#conversation li")
    expect(turns).to_have_count(3)
    expect(turns.nth(0)).to_contain_text("网络维护合同续签推迟")
    expect(turns.nth(1)).to_contain_text(SEND_BACK)
    expect(turns.nth(2)).to_contain_text("7月15日已签订")
    shoot(reviewer, "office-07-alert-conversation")
    reviewer.locator("#close-alert").click()
    expect(reviewer.locator("#alert-status")).to_have_text("已关闭")
    owner.goto("/")
    expect(owner.locator("#todo-list tr[data-kind='alert_answer']")).to_have_count(6)
    expect(owner.locator("#todo-list tr[data-kind^='alert']").filter(has_text=CODE)).to_have_count(0)
