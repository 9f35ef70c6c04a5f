"""The base of every page form (CSRF from Flask-WTF, WTForms' own messages in Chinese) and what a refused form shows.

Every refused save shows one banner, "未保存：N 处问题", above the form, and each message at its
field (templates/_macros/fields.html ``banner``). ``problem_count`` counts the messages of a
WTForms form, of a ``Kept`` refusal or of a RuleError, the same way for every form.

A few small forms (a step's comment, 催办) post and go back to the page they came from. When one
is refused, ``keep_refusal`` carries its messages across the redirect in the session, and the
page shows them at that form (``kept_form``); the typed text itself is put back by
static/js/keep-typed.js, so a long comment never has to fit in a cookie.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask import request, session
from flask_wtf import FlaskForm
from wtforms.fields import FieldList, FormField
from wtforms.i18n import get_translations

from perf.db import MAX_ID
from perf.errors import RuleError

#: The session key of the refused post-and-redirect forms' messages, by form id.
KEPT = "perf_kept"


class ChineseForm(FlaskForm):
    """A FlaskForm whose built-in WTForms messages (a choice that cannot be read …) are in Chinese."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return get_translations(["zh"])


@dataclass
class Kept:
    """A refused post-and-redirect form on the page it went back to: messages by field, the rest above."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    form_errors: list[str] = field(default_factory=list)

    def of(self, name: str) -> list[str]:
        """The messages of field ``name``."""
        return self.errors.get(name, [])


def ascii_int(value) -> int:
    """``coerce`` for a choice of ids: "12" is 12; "١٢" (Arabic-Indic digits) or "²" is no choice
    (ValueError, so WTForms says the choice is not valid) although ``int()`` would read them."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.lstrip("-").isdigit()):
        raise ValueError(f"not an id: {text!r}")
    return int(text)


def ticked_ids(name: str) -> list[int]:
    """The ids of the ticked boxes called ``name`` in the posted form (a batch's rows); non-ids are left out."""
    values = request.form.getlist(name)
    return [int(value) for value in values if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID]


def problem_count(source) -> int:
    """How many messages a refused form shows: each message at a field, plus those above the form.

    ``source`` is a WTForms form (its fields walked, FieldList entries and sub-forms included,
    so messages placed after validation count too), a ``Kept`` refusal, a RuleError, or None (0).
    """
    if source is None:
        return 0
    if isinstance(source, RuleError):
        return sum(len(found) for found in source.errors.values())
    if isinstance(source, Kept):
        return sum(len(found) for found in source.errors.values()) + len(source.form_errors)
    return _field_messages(source) + len(getattr(source, "form_errors", None) or [])


def _field_messages(form) -> int:
    count = 0
    for item in form:
        if isinstance(item, FieldList):
            count += sum(1 for message in item.errors if isinstance(message, str))  # the list's own
            count += sum(_entry_messages(entry) for entry in item.entries)
        elif isinstance(item, FormField):
            count += problem_count(item.form)
        else:
            count += len(item.errors or [])
    return count


def _entry_messages(entry) -> int:
    if isinstance(entry, FormField):
        return problem_count(entry.form)
    return len(entry.errors or [])


def keep_refusal(form_id: str, error: RuleError, fields: Iterable[str] = ()) -> None:
    """Carry ``error`` to the next page for the form ``form_id``: paths named in ``fields`` at those fields."""
    names = set(fields)
    at_fields = {path: found for path, found in error.errors.items() if path in names}
    above = [message for path, found in error.errors.items() if path not in names for message in found]
    kept = dict(session.get(KEPT) or {})
    kept[form_id] = {"errors": at_fields, "form_errors": above}
    session[KEPT] = kept


def kept_form(*form_ids: str) -> Kept | None:
    """The refusal kept by the request before for the first of ``form_ids`` that has one (shown once)."""
    kept = session.get(KEPT)
    form_id = next((name for name in form_ids if kept and name in kept), None)
    if form_id is None:
        return None
    rest = {key: value for key, value in kept.items() if key != form_id}
    if rest:
        session[KEPT] = rest
    else:
        session.pop(KEPT)
    found = kept[form_id]
    return Kept(_lists(found.get("errors") or {}), list(found.get("form_errors") or []))


def unclaimed_kept() -> list[str]:
    """Every message still kept after the page was drawn (its form was not on it), so none is lost."""
    if KEPT not in session:  # most pages: the session is left untouched
        return []
    kept = session.pop(KEPT) or {}
    return [m for found in kept.values() for ms in (found.get("errors") or {}).values() for m in ms] + [
        m for found in kept.values() for m in found.get("form_errors") or []
    ]


def _lists(errors: Mapping) -> dict[str, list[str]]:
    return {str(path): list(found) for path, found in errors.items()}
