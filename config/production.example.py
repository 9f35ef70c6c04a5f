"""Copy to config/production.py and set PERF_ENV=production.

Secrets belong in the environment, not in this file:
    PERF_SECRET_KEY=...            (required; the app refuses to start without it)
    PERF_DATABASE_URL=postgresql+psycopg://perf:***@127.0.0.1:5432/perf
"""

DEBUG = False
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
