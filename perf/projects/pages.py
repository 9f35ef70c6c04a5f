"""The project page's panels: the rooms that show something beside the 绩效目标表 register a panel here.

The review room adds its findings, steps and versions, the payments room its payments; each panel
is a function of the project giving template context. The page asks every registered panel,
so this room never imports the rooms that extend it.
"""

from collections.abc import Callable

#: project -> template context, in registration order.
PANELS: list[Callable[[object], dict]] = []


def panel(build: Callable[[object], dict]) -> Callable[[object], dict]:
    """Register a panel of the project page (once)."""
    if build not in PANELS:
        PANELS.append(build)
    return build


def panels_of(project) -> dict:
    """The template context of every registered panel for ``project``."""
    context: dict = {}
    for build in PANELS:
        context.update(build(project))
    return context
