"""What keeps a project from being deleted: rooms that record something against a project register
a check here (payments, for one), so deleting a draft never takes their records with it and this
room never imports them.
"""

from collections.abc import Callable

#: project -> why it must be kept (Chinese), or None.
KEEPERS: list[Callable[[object], str | None]] = []


def keeper(check: Callable[[object], str | None]) -> Callable[[object], str | None]:
    """Register a check (once)."""
    if check not in KEEPERS:
        KEEPERS.append(check)
    return check


def kept_by(project) -> str | None:
    """The first reason the project must be kept, if any."""
    for check in KEEPERS:
        reason = check(project)
        if reason:
            return reason
    return None
