"""Configuration in layers: code defaults, config/<env>.py, PERF_* environment, test overrides."""

import os
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

from flask import Flask

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent


def bundled(name: str) -> Path:
    """A folder that ships inside the installed package (``pip install .`` copies ``migrations/`` and
    ``templates/`` into ``perf/``) or, in a checkout and an editable install, sits at the top of the repo."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else ROOT / name


def config_folder() -> Path:
    """Where ``<PERF_ENV>.py`` is read from: the checkout's config/, or config/ in the working directory
    when perf is installed as a package (site-packages holds no config/ of perf's)."""
    return ROOT / "config" if (ROOT / "pyproject.toml").is_file() else Path.cwd() / "config"


class ConfigProblem(RuntimeError):
    """A setting perf cannot start without; its message is Chinese and shown as is (the CLI: one line, exit 1)."""


class Defaults:
    """Code defaults, safe for development."""

    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None  # None -> SQLite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    MIGRATIONS_DIR = str(bundled("migrations"))
    WTF_CSRF_TIME_LIMIT = None
    #: Sessions end after this much idle time (restarted by each page the user opens: perf.auth.session).
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    #: Off: a page's own background requests (the value parser, suggestions, progress polls) must not
    #: write the session cookie back, or one that started before a save ends after it and overwrites the
    #: cookie the save wrote, dropping its message and the values kept for a refused form.
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: werkzeug hashing scheme for passwords; scrypt is memory-hard and werkzeug's default.
    PASSWORD_HASH_METHOD = "scrypt"
    JSON_AS_ASCII = False
    #: Checkpoints (month, day) a new budget year gets unless its document says otherwise.
    DEFAULT_CHECKPOINTS = ((3, 31), (6, 30), (10, 31), (12, 31))
    #: Lag rules, first match wins: [condition, threshold, level] (see perf/spending/lag.py).
    LAG_RULES: ClassVar[list] = [
        ["planned_zero", None, "green"],
        ["ratio_below", "60", "red"],
        ["ratio_below", "80", "yellow"],
        ["always", None, "green"],
    ]
    #: A green project whose year-end forecast falls more than this many percentage points short of
    #: 100% is flagged on the dashboard (see perf/spending/forecast.py).
    FORECAST_SHORTFALL_MARGIN = 10
    #: Owners are reminded this many days before a checkpoint they have not reached yet.
    REMINDER_DAYS = 15
    #: Links in messages point here.
    PUBLIC_URL = "http://127.0.0.1:5000"
    TIMEZONE = "Asia/Shanghai"
    #: The daily scan, local time (TIMEZONE).
    SCAN_TIME = "08:30"
    #: SMTP for alert e-mails; no host: e-mail is not sent (in-app inbox only).
    MAIL_HOST = ""
    MAIL_PORT = 25
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = False  # STARTTLS
    MAIL_USE_SSL = False  # SMTPS
    MAIL_FROM = "perf@localhost"
    MAIL_TIMEOUT = 10
    #: Optional group-robot webhook; format "wecom" (企业微信), "dingtalk" (钉钉) or "json".
    WEBHOOK_URL = ""
    WEBHOOK_FORMAT = "wecom"
    #: Attempts before a message is marked failed; the wait doubles after each failure.
    DELIVERY_ATTEMPTS = 5
    #: Self-evaluation settings (weights, 反向 formula, bands, grades); see perf/evaluation/settings.py.
    SELF_EVALUATION: ClassVar[dict] = {}
    DELIVERY_RETRY_SECONDS = 60
    #: The mid-year 绩效运行监控 round, "MM-DD" within each budget year (1–7月 data: 07-31).
    MIDYEAR_ROUND = "07-31"
    #: Deadlines per budget year (month-day) and reminders; see perf/office/deadlines.py.
    TARGET_DEADLINE = "01-31"
    MIDYEAR_DEADLINE = "08-15"
    SELF_EVALUATION_DEADLINE = "03-31"  # of the year after the budget year
    DEADLINE_REMINDER_DAYS = 7
    ALERT_ANSWER_DAYS = 10
    #: Units of measure a 指标值 may end with beyond the built-in list (perf/units.py UNITS), e.g. ["人·次"].
    EXTRA_UNITS: ClassVar[list] = []
    #: The largest request (an uploaded file) perf takes, in MB; a larger one gets a 413 page saying so.
    MAX_UPLOAD_MB = 20
    #: The largest body any other request may send (a form, an API call), in KB: refused (413) before it is read.
    MAX_REQUEST_KB = 1024
    #: The job queue (huey, perf/jobs/queue.py): empty for a SQLite file instance/jobs.sqlite,
    #: ``sqlite:////path/file`` for another file, ``redis://host:6379/0`` for Redis.
    JOBS_QUEUE_URL = ""
    #: Where finished jobs keep their files; empty for instance/jobs.
    JOBS_FOLDER = ""
    #: Run jobs at once when queued, in the request (None: only under TESTING).
    JOBS_IMMEDIATE = None
    #: An uploaded file larger than this (KB) is checked by a background job, its page showing the
    #: progress; a smaller one is checked in the request, its preview shown at once.
    IMPORT_BACKGROUND_KB = 256


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` layer by layer and fail fast on a missing secret in production."""
    env = os.environ.get("PERF_ENV", "development")
    app.config.from_object(Defaults)
    env_file = config_folder() / f"{env}.py"
    if env_file.exists():
        app.config.from_pyfile(str(env_file))
    app.config.from_prefixed_env("PERF")
    if "DATABASE_URL" in app.config:
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config.pop("DATABASE_URL")
    if test_config:
        app.config.update(test_config)
    app.config["ENV_NAME"] = "testing" if app.config.get("TESTING") else env
    _require_secret(app)  # before anything is created on disk
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's own default is None (no limit): setdefault would keep it
        app.config["MAX_CONTENT_LENGTH"] = int(float(app.config["MAX_UPLOAD_MB"]) * 1024 * 1024)
    # outside development a demo account signed in with its published password must change it first
    app.config.setdefault("FORCE_DEMO_PASSWORD_CHANGE", app.config["ENV_NAME"] not in ("development", "testing"))
    _default_database(app)


def _default_database(app: Flask) -> None:
    """Use a SQLite file under the instance folder when no database URL is configured."""
    if app.config.get("SQLALCHEMY_DATABASE_URI"):
        return
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'perf.sqlite'}"


def _require_secret(app: Flask) -> None:
    """Development and tests get a throwaway key; anything else must configure one."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV_NAME"] in ("development", "testing"):
        app.config["SECRET_KEY"] = "dev-only-not-secret"
        return
    raise ConfigProblem(
        f"未设置 PERF_SECRET_KEY（会话签名密钥）：{app.config['ENV_NAME']} 环境必须配置，"
        "例如 export PERF_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
    )
