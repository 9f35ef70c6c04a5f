"""Copy to config/production.py and set PERF_ENV=production.

Secrets belong in the environment, not in this file:
    PERF_SECRET_KEY=...            (required; the app refuses to start without it)
    PERF_DATABASE_URL=postgresql+psycopg://perf:***@127.0.0.1:5432/perf
"""

import os

DEBUG = False
# The session cookie is sent only over HTTPS. perf served over plain HTTP on an intranet: set
# PERF_HTTPS=0 (README "Plain HTTP on an intranet" states the risk); otherwise browsers drop the
# cookie and nobody can sign in.
SESSION_COOKIE_SECURE = os.environ.get("PERF_HTTPS", "1") != "0"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
