"""Lost updates: every edit of a stored object names the version it was read at, and wins only by compare-and-set.

A page carries the object's ``lock_version`` in a hidden input; the API carries it in ``If-Match``.
``claim`` refuses at once when the stored version is not the one the editor read (someone saved in
between), and otherwise moves the version on with one ``UPDATE … WHERE lock_version = :read``: when
two saves race, the database lets only one of them match (PostgreSQL holds the row until the first
commits and then finds the version moved; SQLite lets one writer at a time), so the check and the
write are one step. The loser is refused with ``RuleError(kind="stale")``: a page shows it with what
was typed kept, the API answers 412.

Only people's edits move a version: the scan's and the imports' own bookkeeping (an alert's level,
a sign-in time) do not, so an editor is never refused because of them. Project and self-evaluation
keep SQLAlchemy's ``version_id_col``, which does the same compare-and-set at flush time.
"""

from sqlalchemy import inspect, tuple_, update
from sqlalchemy.exc import InvalidRequestError

from perf.errors import STALE, RuleError
from perf.extensions import db

#: The version an unreadable hidden input stands for ("²", "١٢", 20 digits): one no object has, so the save
#: is refused as stale (someone may have saved in between; the page then carries the real one).
UNREADABLE = -1


def read_version(text: object) -> int | None:
    """A version from a hidden input or an ETag (``"3"``, ``3``); None when there is none (an older page, a
    client that names none: the version loaded is used); ``UNREADABLE`` when it is there but no version."""
    value = str(text if text is not None else "").strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else UNREADABLE


def current(obj) -> int:
    """The object's version as stored now (after a save refused as stale: what the page carries next, so
    saving again, having read the message, is a deliberate overwrite)."""
    try:
        db.session.refresh(obj, ["lock_version"])
    except InvalidRequestError:  # deleted meanwhile: the page keeps what it showed, and a save says so again
        return UNREADABLE
    return obj.lock_version


def claim(obj, expected: int | None, message: str = STALE, path: str = "") -> None:
    """Move ``obj``'s ``lock_version`` on by one if it is still ``expected`` (None: the version it was loaded at).

    Raises RuleError (stale, at ``path``) when another save came first, before or during this one.
    Call it before changing the object: a write its own rules then refuse rolls the moved version back
    with it (the request's, or ``refusal``'s savepoint).
    """
    loaded = obj.lock_version
    if expected is not None and expected != loaded:
        raise RuleError({path: [message]}, "stale")
    mapper = inspect(obj).mapper
    table = mapper.local_table
    (key,) = mapper.primary_key
    identity = inspect(obj).identity[0]
    moved = db.session.execute(
        update(table)
        .where(table.c[key.name] == identity, table.c.lock_version == loaded)
        .values(lock_version=loaded + 1)
    )
    if moved.rowcount != 1:
        raise RuleError({path: [message]}, "stale")
    db.session.expire(obj, ["lock_version"])  # read again when needed: moved on, or back if the write is refused


def claim_many(objects: list, message: str = STALE, path: str = "") -> None:
    """``claim`` for many rows of one table at their loaded versions, in one UPDATE: all of them, or
    RuleError (stale) when another save moved any of them on meanwhile."""
    if not objects:
        return
    mapper = inspect(objects[0]).mapper
    table = mapper.local_table
    (key,) = mapper.primary_key
    loaded = [(inspect(obj).identity[0], obj.lock_version) for obj in objects]
    moved = db.session.execute(
        update(table)
        .where(tuple_(table.c[key.name], table.c.lock_version).in_(loaded))
        .values(lock_version=table.c.lock_version + 1)
    )
    if moved.rowcount != len(objects):
        raise RuleError({path: [message]}, "stale")
    for obj in objects:
        db.session.expire(obj, ["lock_version"])
