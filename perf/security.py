"""Security headers on every response, through Flask-Talisman, and ``no-store`` on signed-in pages.

Flask-Talisman (a well-kept extension that does only this) sets the Content-Security-Policy,
``X-Frame-Options: DENY``, ``X-Content-Type-Options: nosniff`` and the Referrer-Policy on every
response, and Strict-Transport-Security when the request came over HTTPS. perf serves every asset
itself, so the policy allows only perf's own origin: scripts come from files (no inline script, no
``eval``; the vendored ECharts and Swagger UI run under it), styles may also be inline (the report
pages carry their print styles in the page), images and fonts also as ``data:`` URLs (Swagger UI's
icons), no page may be framed. perf does not redirect to HTTPS itself: an intranet served over plain
HTTP keeps working (README "Plain HTTP on an intranet"), and the session cookie's ``Secure`` flag
follows ``SESSION_COOKIE_SECURE``.

A page shown to a signed-in user is ``Cache-Control: no-store``: a shared office computer's browser
cache keeps no table, figure or name after sign-out (static files and downloads keep their own).
"""

from flask import Flask, abort, current_app, request
from flask_login import current_user
from flask_talisman import Talisman

from perf.fields import CONTROL

#: The Content-Security-Policy of every page.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

talisman = Talisman()


def init_app(app: Flask) -> None:
    talisman.init_app(
        app,
        force_https=False,  # a plain-HTTP intranet must keep working; HSTS is still sent over HTTPS
        session_cookie_secure=bool(app.config.get("SESSION_COOKIE_SECURE")),
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="same-origin",
    )
    app.after_request(_no_store_when_signed_in)
    # first of all before-request work (CSRF reads the form): the body's limit must be set before anything reads it
    app.before_request_funcs.setdefault(None, []).insert(0, _limit_body)
    app.before_request(_refuse_control_characters)


#: The requests that carry a file, or the API's bulk of up to 10,000 payments: they may send up to
#: ``MAX_CONTENT_LENGTH`` (``MAX_UPLOAD_MB``); every other request up to ``MAX_REQUEST_KB``.
UPLOAD_ENDPOINTS = frozenset(
    {"imports.upload", "settings.import_file", "api_imports.start_import", "api_payments.create_payments"}
)


def _limit_body() -> None:
    """Refuse a body over this request's limit (413, in Chinese) before any of it is read into memory."""
    upload = current_app.config.get("MAX_CONTENT_LENGTH")
    if request.endpoint in UPLOAD_ENDPOINTS:
        return
    small = int(current_app.config["MAX_REQUEST_KB"]) * 1024
    request.max_content_length = min(small, upload) if upload else small


def _no_store_when_signed_in(response):
    """A signed-in page is not kept by the browser or a proxy (static files are not pages)."""
    if request.endpoint != "static" and current_user.is_authenticated and response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


def _refuse_control_characters() -> None:
    """A path holding a control character (``/projects/2024/%00``) names nothing: 404, before the code in it
    reaches a query (PostgreSQL refuses a NUL in text with an error). Query values are each page's to read
    (a search drops what it cannot look for)."""
    if CONTROL.search(request.path):
        abort(404)
