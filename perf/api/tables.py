"""A project as the API answers it: the project and its review findings."""

from perf import tunables
from perf.review.rules import review, table_input


class ProjectView:
    """A project and its review findings, for ProjectDetailSchema (everything else is the project's)."""

    def __init__(self, project):
        self.project = project
        self.findings = review(table_input(project, tunables.get("extra_units")))

    def __getattr__(self, name):
        return getattr(self.project, name)
