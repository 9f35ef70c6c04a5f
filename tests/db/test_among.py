"""``among``: ``column IN ids`` for any number of ids, on both engines (a department's 100,000 project ids are
more bound parameters than PostgreSQL's protocol or SQLite take)."""

import pytest
import sqlalchemy as sa

from perf.db import INLINE_IDS, among
from perf.projects.models import Project


@pytest.mark.parametrize("extra", [0, 5, INLINE_IDS + 1, 70_000])
def test_among_finds_the_listed_rows_whatever_the_length_of_the_list(session, demo, extra):
    ids = sorted(session.scalars(sa.select(Project.id)).all())
    assert len(ids) == 7
    wanted = ids[::2]
    listed = wanted + [10_000_000 + k for k in range(extra)]  # ids no row has
    found = session.scalars(sa.select(Project.id).where(among(session, Project.id, listed)).order_by(Project.id))
    assert list(found) == wanted


@pytest.mark.parametrize("ids", [[], [10_000_000 + k for k in range(INLINE_IDS + 1)]])
def test_among_an_empty_or_unmatched_list_finds_nothing(session, demo, ids):
    assert session.scalars(sa.select(Project.id).where(among(session, Project.id, ids))).all() == []
