"""What keeps a project or an indicator row: rooms that record something against them register a check
here (payments against a project; actual values, mid-year entries and self-evaluation rows against an
indicator), so deleting a draft or dropping a row in a replace never takes their records unasked and
this room never imports them.
"""

from collections.abc import Callable, Collection

#: project -> why it must be kept (Chinese), or None.
KEEPERS: list[Callable[[object], str | None]] = []
#: indicator ids -> {id: what is recorded against it, in Chinese (“实际完成值 2 条”)} for those that hold any.
ROW_KEEPERS: list[Callable[[Collection[int]], dict[int, str]]] = []


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


def row_keeper(
    check: Callable[[Collection[int]], dict[int, str]],
) -> Callable[[Collection[int]], dict[int, str]]:
    """Register what a room records against indicator rows (once)."""
    if check not in ROW_KEEPERS:
        ROW_KEEPERS.append(check)
    return check


def recorded_on(indicator_ids: Collection[int]) -> dict[int, list[str]]:
    """For each of the indicators that carry recorded data: what (one entry per room, rooms by name)."""
    found: dict[int, list[str]] = {}
    if not indicator_ids:
        return found
    for check in sorted(ROW_KEEPERS, key=lambda check: check.__module__):  # the same order however they were imported
        for indicator_id, what in check(indicator_ids).items():
            found.setdefault(indicator_id, []).append(what)
    return found
