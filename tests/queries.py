"""``count_queries``: the one query counter of the suite (read models must not run a query per row)."""

from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

#: Transaction bookkeeping of the test's own rollback, not queries of the code under test.
_BOOKKEEPING = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


class Counted(list):
    """The SQL statements run inside ``with count_queries():`` (transaction bookkeeping left out)."""

    @property
    def selects(self) -> int:
        """How many of them read."""
        return sum(statement.lstrip().upper().startswith("SELECT") for statement in self)


@pytest.fixture
def count_queries():
    """``with count_queries() as counted:`` collects every statement any engine runs inside the block."""

    @contextmanager
    def counting():
        counted = Counted()

        def before(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(_BOOKKEEPING):
                counted.append(statement)

        sa.event.listen(Engine, "before_cursor_execute", before)
        try:
            yield counted
        finally:
            sa.event.remove(Engine, "before_cursor_execute", before)

    return counting
