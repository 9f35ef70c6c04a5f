"""The round trip a finance bureau relies on: ``perf demo`` → ``perf export-disclosure`` → import into an empty
database → every project's ``perf export-project`` JSON equal to the original, through Word and through Excel."""

import json

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from perf.extensions import db
from perf.projects.models import Project
from tests.conftest import cli_runner, make_app, throwaway_database

IMPORTERS = {"docx": "import-disclosure", "xlsx": "import-targets"}


def exported(runner, codes) -> dict[str, dict]:
    found = {}
    for code in codes:
        result = runner.invoke(args=["perf", "export-project", code, "--year", "2024"])
        assert result.exit_code == 0, result.output
        found[code] = json.loads(result.output)
    return found


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_the_sample_comes_back_the_same_through_each_layout(runner, session, demo, tmp_path, fmt):
    codes = list(session.scalars(sa.select(Project.code).order_by(Project.code)))
    assert len(codes) == 7
    before = exported(runner, codes)
    out = tmp_path / f"306-2024.{fmt}"
    result = runner.invoke(
        args=["perf", "export-disclosure", "--department", "306", "--year", "2024", "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "7 个项目" in result.output and out.stat().st_size > 0
    with throwaway_database(f"perf_publish_{fmt}", tmp_path) as url:
        empty = make_app(url)
        with empty.app_context():
            upgrade()
            other = cli_runner(empty)
            imported = other.invoke(args=["perf", IMPORTERS[fmt], str(out)])
            assert imported.exit_code == 0, imported.output
            assert "项目：7 个（新增 7，覆盖 0，未变 0）" in imported.output
            assert "警告：0 条" in imported.output
            if fmt == "docx":  # the department's stated totals come along (the 支出总表's 合计 line)
                assert "项目预算合计：298.45 万元（支出总表项目支出：298.45 万元）" in imported.output
                assert "单位：2 个" in imported.output
            after = exported(other, codes)
            again = other.invoke(args=["perf", IMPORTERS[fmt], str(out)])  # and once more: nothing changes
            assert "新增 0，覆盖 0，未变 7" in again.output
            db.session.remove()
            db.engine.dispose()
    for code in codes:
        assert after[code] == before[code], code
