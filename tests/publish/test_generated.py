"""Random valid tables built through the services, published and read back: the same tables (hypothesis).

Each example builds a department inside a savepoint, keeps its ``export-project`` dumps (and weights) and the
file, rolls the savepoint back so the database is empty again, imports the file and compares.
"""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perf.documents.disclosure import load_disclosure
from perf.documents.importer import import_disclosure, sha256
from perf.evaluation.workflow import import_weights
from perf.org.services import ensure_department, ensure_unit, ensure_year
from perf.projects.queries import project_by_code
from perf.projects.schemas import ProjectTableSchema
from perf.projects.services import create_project
from perf.projects.taxonomy import SCHEME_2020
from perf.publish import services
from perf.publish.queries import publication
from perf.targets.importer import import_targets_file

#: Characters of generated names: none of them spells a label the readers look for.
HAN = "甲乙丙丁戊己庚辛壬癸山水林田湖草路桥村镇街园河湾"
NAME = st.text(alphabet=HAN, min_size=1, max_size=20)
TEXT = st.text(alphabet=HAN + "，。、1234567890（）% ", min_size=1, max_size=30).map(str.strip).filter(bool)
NOTE = st.one_of(st.just(""), TEXT, st.tuples(TEXT, TEXT).map("\n".join))
PAIRS = [(level1, level2) for level1, level2s in SCHEME_2020.items() for level2 in level2s]
UNITS = ["%", "人", "万元", "元/人", "‰", "分钟", "个", "人次", "公里", ""]
QUALITATIVE = ["长期使用", "达到预期", "3个月内完成整改", "当年完成", "明显提升"]


@st.composite
def value(draw) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(QUALITATIVE))
    comparator = draw(st.sampled_from(["≥", "≤", "=", ">", "<", ""]))
    number = draw(st.decimals(min_value=0, max_value=100000, places=draw(st.integers(0, 2))))
    return f"{comparator}{number}{draw(st.sampled_from(UNITS))}"


@st.composite
def indicator(draw) -> dict:
    level1, level2 = draw(st.sampled_from(PAIRS))
    return {
        "level1": level1,
        "level2": level2,
        "name": draw(NAME),
        "value": draw(value()),
        "description": draw(NOTE),
        "basis": draw(NOTE),
    }


@st.composite
def plan(draw) -> list[Decimal]:
    steps = sorted(draw(st.lists(st.decimals(0, 100, places=draw(st.integers(0, 2))), min_size=3, max_size=3)))
    return [*steps, Decimal(100)]


@st.composite
def table(draw, code: str) -> dict:
    # 万元 exact to the 分: up to six places (3,309,840.00 元 is 330.984 万元), on SQLite's REAL storage too
    fiscal = draw(st.decimals(0, 99999, places=draw(st.sampled_from([2, 3, 6]))))
    other = draw(st.sampled_from([Decimal(0), draw(st.decimals(0, 9999, places=draw(st.sampled_from([2, 6]))))]))
    rows = draw(st.lists(indicator(), min_size=1, max_size=7))
    rows.sort(key=lambda row: PAIRS.index((row["level1"], row["level2"])) if draw(st.booleans()) else 0)
    return {
        "code": code,
        "name": draw(NAME),
        "total": fiscal + other,
        "fiscal": fiscal,
        "other": other,
        "purpose": draw(NOTE),
        "goal": draw(NOTE),
        "spend_plan": draw(plan()),
        "indicators": rows,
    }


@st.composite
def department(draw, weighted: bool) -> dict:
    units = draw(st.lists(NAME, min_size=1, max_size=3, unique=True))
    count = draw(st.integers(1, 4))
    numbers = [draw(st.integers(0, 10**9)) for _ in range(count)]
    # a real 项目编码, or the local code a flat file without 项目编码 gave the project
    codes = [draw(st.sampled_from([f"P{n:010d}{i}", f"LOCAL{n:014X}{i}"])) for i, n in enumerate(numbers)]
    tables = [draw(table(code)) for code in codes]
    weights = [
        [draw(st.one_of(st.none(), st.decimals(0, 90, places=2))) if weighted else None for _ in t["indicators"]]
        for t in tables
    ]
    return {
        "code": str(draw(st.integers(10, 99999))),
        "name": draw(NAME) + "局",
        "units": [(name, draw(st.sampled_from(["", f"{i + 1:06d}"]))) for i, name in enumerate(units)],
        "tables": [(draw(st.integers(0, len(units) - 1)), t) for t in tables],
        "weights": weights,
    }


def build(spec: dict) -> None:
    year = ensure_year(2024)
    dept = ensure_department(spec["code"], spec["name"])
    units = [ensure_unit(dept, name, "行政", "正科级", "财政拨款", code) for name, code in spec["units"]]
    for (unit, raw), weights in zip(spec["tables"], spec["weights"], strict=True):
        project = create_project(year, units[unit], raw, "test", status="approved", published=True)
        import_weights(project, weights, "test")


def state(spec: dict) -> dict:
    found = publication(spec["code"], 2024)
    dumps = {}
    for p in found.projects:
        dumps[p.code] = (ProjectTableSchema().dump(_project(p.code)), [i.weight for i in p.indicators])
    return dumps


def _project(code):
    return project_by_code(code, 2024)


def round_trip(session, spec: dict, fmt: str) -> tuple[dict, dict]:
    outer = session.begin_nested()
    try:
        build(spec)
        before = state(spec)
        found = publication(spec["code"], 2024)
        assert services.problems(found, fmt) == []
        data = services.render(found, fmt)
    finally:
        outer.rollback()
        session.expunge_all()  # ids are used again after the rollback: forget the rolled-back objects
    outer = session.begin_nested()
    try:
        if fmt == "docx":
            result = import_disclosure(load_disclosure(data, "x.docx"), sha256(data), "test")
        else:
            result = import_targets_file(data, "x.xlsx", "test")
        assert result.ok, [str(p) for p in result.problems]
        after = state(spec)
    finally:
        outer.rollback()
        session.expunge_all()  # ids are used again after the rollback: forget the rolled-back objects
    return before, after


SETTINGS = settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_generated_departments_come_back_the_same(session, fmt):
    @SETTINGS
    @given(spec=department(weighted=fmt == "xlsx"))
    def check(spec):
        before, after = round_trip(session, spec, fmt)
        assert after == before

    check()
