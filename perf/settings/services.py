"""The settings' one service: effective values (saved, else the configuration), saving, export and import.

Saved values are read once per request (or command) and kept on the request (or ``g`` outside one);
a save forgets them, so the next read sees it. ``overridden`` lets a preview read unsaved values
without writing anything.
"""

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from flask import Flask, current_app, g, has_request_context, request
from marshmallow import ValidationError
from sqlalchemy import select

from perf import clock, tunables
from perf.audit.services import record
from perf.config import Defaults
from perf.errors import RuleError
from perf.extensions import db
from perf.settings import years
from perf.settings.models import Setting, SettingsVersion
from perf.settings.schemas import BY_NAME, LAG_CONDITIONS, LAG_LEVELS, SETTINGS, WEBHOOK_FORMATS, SettingsSchema
from perf.versions import claim

SOURCES = {"default": "默认", "environment": "环境变量", "saved": "系统设置"}
#: The kind of file an export is, so an import can tell it from any other JSON.
FILE_KIND = "perf-settings"
_CACHE = "perf_settings"


def init_app(app: Flask) -> None:
    """Make every ``tunables.get`` ask the saved settings first."""
    tunables.install(app, saved)


def _holder():
    return request if has_request_context() else g


def _saved_values() -> dict:
    holder = _holder()
    if getattr(holder, _CACHE, None) is None:
        setattr(holder, _CACHE, {row.name: row.value for row in db.session.scalars(select(Setting))})
    return getattr(holder, _CACHE)


def _forget() -> None:
    for holder in (g, request if has_request_context() else None):
        if holder is not None and hasattr(holder, _CACHE):
            delattr(holder, _CACHE)


def saved(name: str) -> object:
    """The saved value of ``name``, or tunables.UNSAVED."""
    return _saved_values().get(name, tunables.UNSAVED)


@contextmanager
def overridden(values: Mapping[str, object]) -> Iterator[None]:
    """Read ``values`` (already loaded by the schema) as if saved, inside the block; nothing is written."""
    holder = _holder()
    before = dict(_saved_values())
    setattr(holder, _CACHE, {**before, **_dump(values)})
    try:
        yield
    finally:
        setattr(holder, _CACHE, before)


def _dump(values: Mapping[str, object]) -> dict:
    return SettingsSchema(partial=True).dump(values)


def default_of(name: str) -> tuple[object, str]:
    """The configuration's value of ``name`` and where it comes from ("default" or "environment")."""
    key = BY_NAME[name].config_key
    value = current_app.config[key]
    return value, ("default" if value == getattr(Defaults, key) else "environment")


def effective() -> list[dict]:
    """Every setting: name, group, label, value, source ("default", "environment", "saved") and its label."""
    stored = _saved_values()
    rows = []
    for spec in SETTINGS:
        value, source = (stored[spec.name], "saved") if spec.name in stored else default_of(spec.name)
        rows.append(
            {
                "name": spec.name,
                "group": spec.group,
                "label": spec.label,
                "help": spec.help,
                "value": _shown(spec, value),
                "source": source,
                "source_label": SOURCES[source],
            }
        )
    return rows


def values() -> dict:
    """{name: effective value as the API shows it} (a password only as whether it is set), and the
    checkpoints of the years not yet under way (``year_checkpoints``)."""
    return {**{row["name"]: row["value"] for row in effective()}, years.NAME: years.current(clock.today())}


def _shown(spec, value):
    if spec.secret:
        return "已设置" if value else ""
    return SettingsSchema(partial=True).dump({spec.name: value}).get(spec.name, value)


def load(data: object) -> dict:
    """A partial object keyed by setting name, loaded by the schema; RuleError naming every field at fault."""
    if not isinstance(data, dict):
        raise RuleError({"": ["应为一个对象（键值对）"]})
    data = {k: v for k, v in data.items() if not (k in BY_NAME and BY_NAME[k].secret and v in ("", "已设置"))}
    try:
        return SettingsSchema(partial=True).load(data)
    except ValidationError as error:
        raise RuleError.from_marshmallow(error.messages) from None


#: What a save from a page (or a GET) older than the last save is told.
STALE_SETTINGS = "系统设置在您打开页面后已被他人修改，您的修改未保存；您填写的内容已保留，请核对当前设置后再保存。"


def _version_row() -> SettingsVersion:
    """The one row holding the set's version (made on first use where the database has none)."""
    row = db.session.get(SettingsVersion, 1)
    if row is None:
        row = SettingsVersion(id=1, lock_version=1)
        db.session.add(row)
        db.session.flush()
    return row


def version() -> int:
    """The version of the whole set of settings: each save moves it on (the page's hidden input, the API's ETag)."""
    return _version_row().lock_version


def save(actor: str, data: object, expected_version: int | None = None) -> dict:
    """Load ``data`` (partial, by name) and save what changed, audited with before and after; flushes only.

    ``year_checkpoints`` goes to the years themselves (perf/settings/years.py); every problem of either
    part is refused at once. Returns {label: [before, after]} of what changed (as audited, in Chinese).
    ``expected_version`` is the set's version the save was made from: a save in between refuses this one
    (stale), and of two saves at once only one moves the version on.
    """
    row = _version_row()
    if expected_version is not None and expected_version != row.lock_version:
        raise RuleError(STALE_SETTINGS, "stale")
    data = dict(data) if isinstance(data, dict) else data
    year_changes = data.pop(years.NAME, None) if isinstance(data, dict) else None
    problems: dict = {}
    try:
        loaded = _dump(load(data))
    except RuleError as error:
        problems.update(error.errors)
    try:
        years_loaded = years.load(year_changes, clock.today()) if year_changes is not None else {}
    except RuleError as error:
        problems.update(error.errors)
    if problems:
        raise RuleError(problems)
    # the version first: of two saves at once the second waits here for the first, then is refused
    savepoint = db.session.begin_nested()
    try:
        claim(row, None, STALE_SETTINGS)
        changes = {**_save_settings(actor, loaded), **years.save(actor, years_loaded)}
    except BaseException:
        savepoint.rollback()
        _forget()  # what the savepoint wrote is gone: read the settings again
        raise
    if changes:
        savepoint.commit()
    else:
        savepoint.rollback()  # nothing changed: the version stays
    return changes


def _save_settings(actor: str, loaded: dict) -> dict:
    before = {row["name"]: row for row in effective()}
    rows = {row.name: row for row in db.session.scalars(select(Setting).where(Setting.name.in_(list(loaded))))}
    changes = {}
    for name, value in loaded.items():
        old = rows[name].value if name in rows else default_of(name)[0]
        if name in rows and rows[name].value == value:
            continue
        if name not in rows and _same(_dump({name: old}).get(name, old), value):
            continue
        if name in rows:
            rows[name].value, rows[name].saved_by = value, actor
        else:
            db.session.add(Setting(name=name, value=value, saved_by=actor))
        changes[BY_NAME[name].label] = [_audited(name, before[name]["value"]), _audited(name, value)]
    if changes:
        record(
            actor,
            "setting.update",
            "setting",
            "system",  # the one set of settings
            "修改系统设置：" + "、".join(changes),
            changes,
        )
        db.session.flush()
    _forget()
    return changes


def _same(a, b) -> bool:
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def _audited(name: str, value) -> object:
    """A value as the 修改记录 page shows it: in Chinese, no codes (a password only as whether it is set)."""
    if BY_NAME[name].secret:
        return "已设置" if value else ""
    if name == "lag_rules":
        return "；".join(
            f"{LAG_CONDITIONS.get(c, c)}{'' if t is None else f' {t}%'} → {LAG_LEVELS.get(lv, lv)}"
            for c, t, lv in value
        )
    if name == "self_evaluation":
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str) if value else "（默认评分规则）"
    if name == "extra_units":
        return "、".join(value) or "（无）"
    if name == "webhook_format":
        return WEBHOOK_FORMATS.get(value, value)
    if isinstance(value, list | tuple):
        return "、".join(item if isinstance(item, str) else f"{item[0]:02d}-{item[1]:02d}" for item in value)
    return value


def export() -> dict:
    """The whole set as one JSON object (passwords left out): what an import takes back."""
    return {
        "kind": FILE_KIND,
        "settings": {row["name"]: row["value"] for row in effective() if not BY_NAME[row["name"]].secret},
    }


def import_file(actor: str, raw: bytes) -> dict:
    """Save every setting of an exported file, all or nothing (the same schema as a save)."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise RuleError({"file": ["文件不是有效的设置文件（应为本系统导出的 JSON 文件）"]}) from None
    if not isinstance(data, dict) or data.get("kind") != FILE_KIND or not isinstance(data.get("settings"), dict):
        raise RuleError({"file": ["文件不是本系统导出的系统设置文件"]})
    try:
        return save(actor, data["settings"])
    except RuleError as error:
        raise error.under("settings") from None
