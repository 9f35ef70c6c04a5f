"""The one boundary: a request, a command or a job commits once at its end, and rolls back on any error.

Services flush, never commit. Pages and the API share one rule (Indico's ``RH.process``): after
the view, a response below 400 commits and anything else rolls back; an exception that reaches
no handler rolls back too (Flask-SQLAlchemy removes the session). Work that must wait for the
commit (sending mail, calling a webhook) is queued with ``after_commit`` and runs only once the
commit succeeded. A view that shows a refused write on its form wraps the service call in
``refusal``: the write's savepoint is rolled back and the messages land on the form, while the
rest of the request (the page it renders) goes on. Commands use ``committed``, jobs ``job``.
"""

from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps

from flask import Flask, flash, g
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import InternalServerError

from perf.db import is_busy
from perf.errors import BUSY, STALE, RuleError, fail_cli, http_error, show_on_form
from perf.extensions import db
from perf.forms import keep_refusal


def init_app(app: Flask) -> None:
    """Commit after every successful request; roll back after every other."""
    app.after_request(_end_request)
    app.register_error_handler(InternalServerError, _failed)


def _failed(error: InternalServerError):
    """An unexpected failure: roll back first, so the error page's own queries run (then the usual answer)."""
    reset_failed_transaction()
    return http_error(error)


def _end_request(response):
    if response.status_code >= 400:
        _roll_back()
        return response
    db.session.commit()
    run_after_commit()
    return response


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once this request, command or job has committed (never if it rolls back)."""
    waiting = g.setdefault("perf_after_commit", [])
    if callback not in waiting:  # the same callback queued twice (e.g. delivery) runs once
        waiting.append(callback)


def run_after_commit() -> None:
    """Run what waited for the commit."""
    for callback in g.pop("perf_after_commit", []):
        callback()


def reset_failed_transaction() -> None:
    """Roll back before showing an error page, so its own queries (the top bar) do not run in a failed transaction."""
    db.session.rollback()


@contextmanager
def refusal(
    form=None,
    aliases: dict[str, str] | None = None,
    flash_messages: bool = False,
    keep: str | None = None,
    fields: tuple[str, ...] = ("comment",),
):
    """Run a write in a savepoint; a RuleError rolls just that write back and is shown, not raised.

    With ``form`` the messages land at the fields their paths name (the form's own
    ``show_rule_error`` if it has one, else ``show_on_form`` with ``aliases`` renaming paths to
    form fields); with ``flash_messages`` (or no form) they are flashed. A form that posts and
    goes back to its page names itself with ``keep``: what was typed wrong (``invalid``) is kept
    for that form on the next page (``perf.forms.keep_refusal``, ``fields`` at their inputs), and so is
    what was typed against an older version (``stale``); a refusal of another kind (the state changed,
    not allowed) is flashed. A write that
    lost a race at flush time (StaleDataError) is refused as stale. ``g.perf_refusal`` holds the
    error afterwards, so the view can tell.
    """
    g.perf_refusal = None
    savepoint = db.session.begin_nested()
    try:
        yield
        savepoint.commit()
    except (RuleError, StaleDataError) as raised:
        # a failed flush leaves the savepoint inactive but still to be rolled back
        if savepoint.is_active or savepoint.session.get_nested_transaction() is savepoint:
            savepoint.rollback()
        error = raised if isinstance(raised, RuleError) else RuleError(STALE, "stale")
        g.perf_refusal = error
        if form is not None:
            form.refused_kind = error.kind  # the banner words a stale refusal its own way
        if keep is not None and error.kind in ("invalid", "stale"):  # kept, so nothing typed is lost
            keep_refusal(keep, error, fields)
        elif form is not None and not flash_messages:
            show = getattr(form, "show_rule_error", None)
            if show is not None and aliases is None:
                show(error)
            else:
                show_on_form(form, error, aliases)
        else:
            for message in error.messages:
                flash(message, "error")


def refused() -> RuleError | None:
    """The RuleError the last ``refusal`` of this request caught, if any."""
    return g.get("perf_refusal")


def committed(command: Callable | None = None, *, labels: dict[str, str] | None = None):
    """A CLI command's boundary: commit when it returns, roll back when it fails or exits with an error.

    A RuleError that escapes the command is printed by the CLI adapter (``fail_cli``, fields named
    by ``labels``) and exits with status 1. Use as ``@committed`` or ``@committed(labels=…)``.
    """

    def decorator(body: Callable) -> Callable:
        @wraps(body)
        def wrapped(*args, **kwargs):
            try:
                result = body(*args, **kwargs)
            except RuleError as error:
                _roll_back()
                fail_cli(error, labels)
            except OperationalError as error:
                _roll_back()
                if not is_busy(error):
                    raise
                fail_cli(RuleError(BUSY, "conflict"), labels)
            except BaseException:
                _roll_back()
                raise
            db.session.commit()
            run_after_commit()
            return result

        return wrapped

    return decorator(command) if command is not None else decorator


def _roll_back() -> None:
    db.session.rollback()
    g.pop("perf_after_commit", None)


def roll_back() -> None:
    """Roll back the session and drop what waited for its commit (a background job that failed)."""
    _roll_back()


def job(app: Flask, work: Callable[[], object]) -> object:
    """A scheduled job's boundary: ``work`` in an app context, committed once, then what waited for the commit."""
    with app.app_context():
        return committed(work)()
