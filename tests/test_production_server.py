"""perf under gunicorn in production mode, over real HTTP: security headers, the forced change of a demo
password, sign-in throttling, a replayed session cookie after sign-out, and request bodies over the limit
(refused with 413 while every worker's memory stays small).

The server runs on its own SQLite file (whatever PERF_TEST_DATABASE says), configured only through the
environment the README names for production (PERF_ENV, PERF_SECRET_KEY, PERF_DATABASE_URL, PERF_HTTPS=0 for
a plain-HTTP intranet); there is no config/production.py.
"""

import contextlib
import http.client
import http.cookiejar
import json
import os
import re
import secrets
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import gunicorn  # the test fails, never skips, without it (pyproject: the test extras)
import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The interpreter running the tests runs flask and gunicorn too (a worktree or CI checkout has no .venv of its own).
PYTHON = sys.executable
WORKERS = 2
MB = 1024 * 1024
#: The most any gunicorn worker may hold while a 200 MB body arrives.
RSS_LIMIT = 200 * MB

pytestmark = pytest.mark.slow

assert gunicorn.__version__


# The server -------------------------------------------------------------------------------------------


def _secret_key() -> str:
    """64 hex digits that Flask's ``from_prefixed_env`` keeps as a string (it parses JSON: ``12e34…`` is a number)."""
    while True:
        key = secrets.token_hex(32)
        try:
            json.loads(key)
        except ValueError:
            return key


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers, for the master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")"
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _rss(pid: int) -> int | None:
    """Resident memory of ``pid`` in bytes (VmRSS), None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+)\s+kB", status, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else None


@dataclass
class Server:
    base: str
    host: str
    port: int
    master: int
    log: Path

    def workers(self) -> list[int]:
        return _children(self.master)


def _environment(folder: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PERF_", "FLASK_"))}
    env.update(
        PERF_ENV="production",
        PERF_SECRET_KEY=_secret_key(),
        PERF_DATABASE_URL=f"sqlite:///{folder / 'perf.sqlite'}",
        PERF_HTTPS="0",
        # the job queue and its files stay in this test's folder too, not in the checkout's instance/
        PERF_JOBS_QUEUE_URL=f"sqlite:///{folder / 'jobs.sqlite'}",
        PERF_JOBS_FOLDER=str(folder / "jobs"),
    )
    return env


def _flask(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [PYTHON, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


def _wait_until_answering(process: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped (exit {process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/login", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within 30 s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    """End gunicorn's whole process group (master and workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):  # a worker that outlived its master
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    env = _environment(folder)
    _flask(env, "db", "upgrade")
    _flask(env, "perf", "demo")
    port = _free_port()
    log = folder / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, ended as a whole
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_answering(process, base, log)
        running = Server(base, "127.0.0.1", port, process.pid, log)
        deadline = time.monotonic() + 10
        while len(running.workers()) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.1)
        started = running.workers()
        assert len(started) == WORKERS, log.read_text()
        yield running
    finally:
        _stop(process)
    left = [pid for pid in started if Path(f"/proc/{pid}").exists()]
    assert not left, f"gunicorn workers still running: {left}"


# A browser ---------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("Location", "")).path


class _NoRaise(urllib.request.HTTPErrorProcessor):
    """Hand every answer back as it is: no exception for 4xx/5xx, no redirect followed."""

    def http_response(self, request, response):
        return response


CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


def csrf_of(page: str) -> str:
    tag = CSRF.search(page)
    assert tag, "no csrf_token input on the page"
    value = re.search(r'value="([^"]+)"', tag.group(0))
    assert value, tag.group(0)
    return value.group(1)


class Browser:
    """One cookie jar over real HTTP; redirects are returned, not followed."""

    def __init__(self, server: Server, jar: http.cookiejar.CookieJar | None = None):
        self.server = server
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRaise())

    def request(self, method: str, path: str, data: dict | bytes | None = None) -> Answer:
        body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
        call = urllib.request.Request(f"{self.server.base}{path}", data=body, method=method)
        if body is not None:
            call.add_header("Content-Type", "application/x-www-form-urlencoded")
        with self.opener.open(call, timeout=30) as answer:
            return Answer(answer.status, answer.headers, answer.read().decode("utf-8", "replace"))

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, data: dict | bytes) -> Answer:
        return self.request("POST", path, data)

    def csrf(self, path: str = "/account") -> str:
        page = self.get(path)
        assert page.status == 200, (path, page.status, page.location)
        return csrf_of(page.text)

    def sign_in(self, username: str, password: str) -> Answer:
        token = csrf_of(self.get("/login").text)
        return self.post("/login", {"username": username, "password": password, "csrf_token": token})

    def change_password(self, current: str, new: str) -> Answer:
        token = self.csrf("/account")
        return self.post(
            "/account", {"current_password": current, "new_password": new, "confirm": new, "csrf_token": token}
        )

    def session_cookie(self) -> http.cookiejar.Cookie:
        found = [cookie for cookie in self.jar if cookie.name == "session"]
        assert len(found) == 1, [cookie.name for cookie in self.jar]
        return found[0]

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)


def strong_password() -> str:
    return f"Perf-{secrets.token_hex(6)}-9x"


def signed_in_with_new_password(server: Server, username: str, demo_password: str) -> tuple[Browser, str]:
    """Sign in with the demo password, which leads to the account page, and change it there."""
    browser = Browser(server)
    answer = browser.sign_in(username, demo_password)
    assert (answer.status, answer.location) == (302, "/account")
    new = strong_password()
    changed = browser.change_password(demo_password, new)
    assert (changed.status, changed.location) == (302, "/account"), changed.text[:2000]
    return browser, new


@pytest.fixture(scope="module")
def admin(server) -> Browser:
    browser, _password = signed_in_with_new_password(server, "admin", "perf-admin-2024")
    return browser


# 1. Security headers ---------------------------------------------------------------------------------


def assert_security_headers(answer: Answer, path: str) -> None:
    csp = answer.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, (path, csp)
    assert answer.headers.get("X-Content-Type-Options") == "nosniff", path
    assert answer.headers.get("X-Frame-Options", "").upper() in ("DENY", "SAMEORIGIN"), path
    assert answer.headers.get("Referrer-Policy"), path


def test_the_sign_in_page_carries_the_security_headers(server):
    answer = Browser(server).get("/login")
    assert answer.status == 200
    assert "text/html" in answer.headers.get("Content-Type", "")
    assert_security_headers(answer, "/login")
    assert "Secure" not in (answer.headers.get("Set-Cookie") or "")  # PERF_HTTPS=0: plain HTTP must keep working


def test_every_signed_in_page_carries_the_security_headers_and_no_store(server, admin):
    home = admin.get("/")
    assert home.status == 200, home.location
    department = re.search(r'href="(/departments/[^"/?#]+/\d{4})"', home.text)
    assert department, "no department linked from the home page"
    listing = admin.get(department.group(1))
    project = re.search(r'href="(/projects/\d{4}/[^"/?#]+)"', listing.text)
    assert project, "no project linked from the department page"
    pages = ["/", department.group(1), project.group(1), "/inbox", "/account", "/settings", "/imports", "/admin/users"]
    for path in pages:
        answer = home if path == "/" else admin.get(path)
        assert answer.status == 200, (path, answer.status, answer.location)
        assert "text/html" in answer.headers.get("Content-Type", ""), path
        assert_security_headers(answer, path)
        assert "no-store" in answer.headers.get("Cache-Control", ""), path


# 2. Demo passwords -------------------------------------------------------------------------------------


def test_a_demo_password_must_be_changed_before_anything_else(server):
    browser = Browser(server)
    answer = browser.sign_in("owner", "perf-owner-2024")
    assert (answer.status, answer.location) == (302, "/account")
    for path in ("/", "/inbox", "/imports"):
        held = browser.get(path)
        assert (held.status, held.location) == (302, "/account"), path
    page = browser.get("/account")
    assert page.status == 200
    assert "默认密码" in page.text
    new = strong_password()
    changed = browser.change_password("perf-owner-2024", new)
    assert (changed.status, changed.location) == (302, "/account")
    assert browser.get("/").status == 200
    assert browser.get("/inbox").status == 200
    again = Browser(server).sign_in("owner", new)
    assert (again.status, again.location) == (302, "/")


# 3. Throttling -----------------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(server):
    browser = Browser(server)
    for _ in range(5):
        wrong = browser.sign_in("leader", "not-the-password")
        assert wrong.status == 200
        assert "用户名或密码错误" in wrong.text
    locked = browser.sign_in("leader", "perf-leader-2024")
    assert locked.status == 429
    assert "登录失败次数过多" in locked.text
    assert browser.get("/").status == 302  # not signed in


# 4. A copied session cookie after sign-out -----------------------------------------------------------


def test_a_session_cookie_replayed_after_sign_out_is_refused(server):
    _first, password = signed_in_with_new_password(server, "reviewer", "perf-review-2024")
    browser = Browser(server)
    assert browser.sign_in("reviewer", password).status == 302
    copied = browser.session_cookie()

    def replay() -> Answer:
        jar = http.cookiejar.CookieJar()
        jar.set_cookie(copied)
        return Browser(server, jar).get("/account")

    assert replay().status == 200  # the copy signs in while the session lasts
    out = browser.post("/logout", {"csrf_token": browser.csrf("/account")})
    assert (out.status, out.location) == (302, "/login")
    refused = replay()
    assert refused.status in (302, 303), refused.status
    assert refused.location == "/login"


# 5. Bodies over the limit ------------------------------------------------------------------------------


class MemoryWatch:
    """Samples the RSS of every gunicorn worker in a thread; ``peak`` is the highest per worker."""

    def __init__(self, server: Server):
        self.server = server
        self.peak: dict[int, int] = {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        for pid in self.server.workers():
            rss = _rss(pid)
            if rss is not None:
                self.peak[pid] = max(self.peak.get(pid, 0), rss)

    def _run(self) -> None:
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(0.05)

    def __enter__(self):
        self.sample()
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.stopped.set()
        self.thread.join()
        self.sample()


def _stream_upload(server: Server, browser: Browser, total: int) -> tuple[int | None, bytes, str]:
    """POST a multipart body of ``total`` bytes to /imports in 1 MB chunks.

    Returns (status, what the server had sent when it first answered, the answer's text). The server may
    answer 413 before the body is through and close the connection: sending stops as soon as it answers.
    """
    page = browser.get("/imports")
    assert page.status == 200, page.location
    token = csrf_of(page.text)
    kind = re.search(r'<select[^>]*name="kind"[^>]*>\s*<option value="([^"]+)"', page.text)
    assert kind, "no kind to choose on the upload page"
    boundary = "perf" + secrets.token_hex(8)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n{kind.group(1)}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    filler = total - len(head) - len(tail)
    connection = http.client.HTTPConnection(server.host, server.port, timeout=60)
    connection.connect()
    connection.putrequest("POST", "/imports")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(total))
    connection.putheader("Cookie", browser.cookie_header())
    connection.endheaders()
    chunk = b"1," * (MB // 2)
    early = b""
    try:
        connection.send(head)
        while filler > 0:
            if select.select([connection.sock], [], [], 0)[0]:  # the server answered before the end
                early = connection.sock.recv(64, socket.MSG_PEEK)
                break
            piece = chunk[: min(filler, len(chunk))]
            connection.send(piece)
            filler -= len(piece)
        else:
            connection.send(tail)
    except (BrokenPipeError, ConnectionResetError):
        with contextlib.suppress(OSError):
            early = early or connection.sock.recv(64, socket.MSG_PEEK)
    try:
        answer = connection.getresponse()
        return answer.status, early, answer.read().decode("utf-8", "replace")
    except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
        return None, early, ""
    finally:
        connection.close()


def test_a_2_mb_form_is_refused_in_chinese(server, admin):
    token = admin.csrf("/settings")
    with MemoryWatch(server) as watch:
        answer = admin.post("/settings", {"csrf_token": token, "note": "x" * (2 * MB)})
    assert answer.status == 413, answer.text[:2000]
    assert "提交的内容过大：最多 1024 KB" in answer.text
    assert_security_headers(answer, "/settings (413)")
    big = {pid: rss // MB for pid, rss in watch.peak.items() if rss >= RSS_LIMIT}
    assert not big, big
    assert admin.get("/settings").status == 200  # the server goes on answering


# Runs last: the worker that takes the upload keeps what it grew to.
def test_a_200_mb_upload_is_refused_while_every_worker_stays_small(server, admin):
    with MemoryWatch(server) as watch:
        status, early, text = _stream_upload(server, admin, 200 * MB)
        time.sleep(0.5)  # the worker after the answer
    assert len(watch.peak) >= WORKERS, watch.peak
    big = {pid: rss // MB for pid, rss in watch.peak.items() if rss >= RSS_LIMIT}
    if status is None:  # the connection was reset: only after the server had answered 413
        refused = early.startswith(b"HTTP/1.1 413")
        seen = f"connection reset, first bytes of the answer {early!r}"
    else:
        refused = status == 413 and "上传的文件过大：最大 20 MB" in text
        seen = f"{status} {text[:300]!r}"
    assert refused and not big, f"answer: {seen}; worker RSS (MB) over {RSS_LIMIT // MB} MB: {big}"
    assert admin.get("/imports").status == 200  # the server goes on answering
