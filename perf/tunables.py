"""The one reader of the rules a finance bureau tunes: ``tunables.get("lag_rules")``.

Effective value = what the admin saved (the settings room, perf/settings/) if anything, else the
configuration (code default → config/<env>.py → ``PERF_*``), under the setting's upper-case name.
The settings room installs the reader of saved values at start-up (``install``); this core module
imports no room, so every room reads through it without depending on the settings room.
"""

from collections.abc import Callable

from flask import current_app

_KEY = "perf.tunables"
#: "the setting is not saved" (a saved value may be None).
UNSAVED = object()


def install(app, saved: Callable[[str], object]) -> None:
    """Make ``saved(name)`` (the saved value, or UNSAVED) the source every ``get`` asks first."""
    app.extensions[_KEY] = saved


def get(name: str) -> object:
    """The effective value of setting ``name`` (e.g. "lag_rules", config key LAG_RULES)."""
    saved = current_app.extensions.get(_KEY)
    value = saved(name) if saved is not None else UNSAVED
    return current_app.config[name.upper()] if value is UNSAVED else value


class Effective:
    """The configuration as a mapping read through ``get`` (``config()["MAIL_HOST"]``), for code written against it."""

    def __getitem__(self, key: str) -> object:
        return get(key.lower())


def config() -> Effective:
    """``current_app.config`` with the admin's saved settings winning."""
    return Effective()
