"""Browser tests: a live perf server on its own database, driven by Debian's chromium.

The server is the real app (real CSRF, real commits) on a database of its own, a copy of
the run's sample template (built by the migrations and loaded with ``perf demo``,
tests/conftest.py); it is served by werkzeug in a daemon thread for the whole session.
Each test gets a fresh browser context (zh-CN, 1366×900), so it starts signed out.
Screenshots go to PERF_SCREENSHOTS (default: <tmp>/perf-screenshots).

PERF_TEST_DATABASE selects the engine as in tests/conftest.py; the PostgreSQL database is
a throwaway one next to PERF_TEST_PG_URL's, dropped afterwards. PERF_CHROMIUM points at
another chromium binary. A missing chromium fails the run: scripts/test.sh installs it.
"""

import logging
import os
import re
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from perf import create_app
from perf.extensions import db
from perf.jobs.queue import queue_of, work_once
from tests.conftest import throwaway_database

CHROMIUM = os.environ.get("PERF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: How long a Playwright action or expectation may wait (ms); the server is local.
TIMEOUT_MS = 10_000

#: The demo accounts created by ``perf demo`` (perf/auth/demo.py).
ACCOUNTS = {
    "owner": "perf-owner-2024",
    "owner2": "perf-owner2-2024",
    "reviewer": "perf-review-2024",
    "leader": "perf-leader-2024",
    "admin": "perf-admin-2024",
}


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real chromium against a live perf server")


# The live server ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_database_url(tmp_path_factory, sample_template):
    """A new copy of the sample template for the live server (not the database the other suites share)."""
    folder = tmp_path_factory.mktemp("browser-db")
    with throwaway_database("perf_browser", folder, template=sample_template.url) as url:
        yield url


@pytest.fixture(scope="session")
def live_app(live_database_url, tmp_path_factory):
    """The app with real CSRF on the copy of the sample (migrated, the demo loaded); jobs on a real queue file."""
    jobs = tmp_path_factory.mktemp("browser-jobs")
    app = create_app(
        {
            "JOBS_IMMEDIATE": False,
            "JOBS_QUEUE_URL": f"sqlite:///{jobs / 'queue.sqlite'}",
            "JOBS_FOLDER": str(jobs / "files"),
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": live_database_url,
            "WTF_CSRF_ENABLED": True,
            "SECRET_KEY": f"browser-{uuid.uuid4().hex}",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # the demo users are hashed with it
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    """Serve the app on a free port in a daemon thread; yield its base URL."""
    werkzeug_log = logging.getLogger("werkzeug")
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)  # no line per request in the test output
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="perf-live-server", daemon=True)
    thread.start()
    stop = threading.Event()
    worker = threading.Thread(target=_work, args=(live_app, stop), name="perf-live-worker", daemon=True)
    worker.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        stop.set()
        worker.join(timeout=30)
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        werkzeug_log.setLevel(level)


def _work(app, stop: threading.Event) -> None:
    """The live server's job worker: what ``perf worker`` does, one task at a time off the same queue file."""
    queue = queue_of(app)
    while not stop.is_set():
        if not work_once(queue):
            stop.wait(0.1)


# The browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's headless chromium, for the whole session."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"chromium not found at {CHROMIUM}: the browser tests need Debian's chromium "
            "(scripts/test.sh installs it with apt-get: chromium fonts-noto-cjk; "
            "PERF_CHROMIUM points at another binary)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def context(browser, live_server):
    """A fresh browser context per test: no cookies, zh-CN, 1366×900."""
    ctx = browser.new_context(
        base_url=live_server,
        locale="zh-CN",
        viewport={"width": 1366, "height": 900},
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page of the fresh context; playwright's expectations wait as long as its actions."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    # confirmations (data-confirm, removing a row) are answered page.accept_dialogs (yes unless a
    # test says no); page.dialogs keeps what was asked
    page.dialogs, page.accept_dialogs = [], True

    def answer(dialog):
        page.dialogs.append(dialog.message)
        dialog.accept() if page.accept_dialogs else dialog.dismiss()

    page.on("dialog", answer)
    return page


# Helpers -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where the key steps' PNGs go (PERF_SCREENSHOTS, default <tmp>/perf-screenshots)."""
    path = Path(os.environ.get("PERF_SCREENSHOTS") or Path(tempfile.gettempdir()) / "perf-screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def shoot(screenshot_dir):
    """shoot(page, "01-owner-form-filled") saves a full-page PNG of the current page."""

    def take(page, name: str) -> Path:
        target = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        return target

    return take


def sign_in(page, username: str, password: str | None = None) -> None:
    """Sign in through the real login form (the demo password by default)."""
    from playwright.sync_api import expect

    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password if password is not None else ACCOUNTS[username])
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    expect(page.locator(".usernav .who")).to_be_visible()
    assert "/login" not in page.url, f"sign-in as {username} did not leave the login page"


def sign_out(page) -> None:
    """The top bar's 退出 button (a POST with its CSRF token)."""
    from playwright.sync_api import expect

    page.locator(".usernav").get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator(".flash").first).to_contain_text("已退出登录")
