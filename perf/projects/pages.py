"""The project page's panels and the project lists' row notes: the rooms that show something beside the
绩效目标表 register a panel (or a row note) here.

The review room adds its findings, steps and versions, the payments room its payments; each panel
is a function of the project giving template context. The page asks every registered panel,
so this room never imports the rooms that extend it. The department page has its panels too (the budgets
room's 部门预算表). A list (the department page, 我的项目) asks every
row note once for all its rows: the review room says which tables and self-evaluations stand returned.
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


#: listed projects -> {project id: {name: what the row shows beside its status}}, in registration order.
ROW_NOTES: list[Callable[[list], dict]] = []


def row_notes(build: Callable[[list], dict]) -> Callable[[list], dict]:
    """Register what a project list shows beside a row's status (once), e.g. the review room's 已退回."""
    if build not in ROW_NOTES:
        ROW_NOTES.append(build)
    return build


def notes_of(projects) -> dict[int, dict]:
    """Every registered note for the listed projects, by project id (a fixed number of queries for the list)."""
    projects, notes = list(projects), {}
    for build in ROW_NOTES:
        for project_id, found in build(projects).items():
            notes.setdefault(project_id, {}).update(found)
    return notes


#: (department, budget year) -> template context of the department page, in registration order.
DEPARTMENT_PANELS: list[Callable[[object, object], dict]] = []


def department_panel(build: Callable[[object, object], dict]) -> Callable[[object, object], dict]:
    """Register a panel of the department page (once), e.g. the budgets room's 部门预算表."""
    if build not in DEPARTMENT_PANELS:
        DEPARTMENT_PANELS.append(build)
    return build


def department_panels_of(department, year) -> dict:
    """The template context of every registered department panel."""
    context: dict = {}
    for build in DEPARTMENT_PANELS:
        context.update(build(department, year))
    return context
