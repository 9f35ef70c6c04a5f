"""``pip install .`` (not editable) gives a working perf: the migrations, templates and static files ship
inside the package, and ``perf db upgrade`` and ``perf demo`` run in a fresh virtual environment.

Offline and fast: the wheel is built by pip as an installer would (build isolation, from the configured
package index), installed with ``--no-deps`` into a venv of its own, and the dependencies come from the
suite's own virtualenv through a ``.pth`` line (a path only: that venv's editable perf is not activated).
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ENGINE

#: The install's database is a SQLite file of its own whatever the suite's engine: it runs once, in the
#: SQLite half (the PostgreSQL half would build and install the same wheel again, ~45 s).
pytestmark = pytest.mark.skipif(ENGINE != "sqlite", reason="runs in the SQLite half of the suite")

REPO = Path(__file__).resolve().parent.parent
SHIPPED = ("pyproject.toml", "setup.py", "README.md", "perf", "migrations", "templates")


def run(*args, cwd, env=None, timeout=300):
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
def test_a_non_editable_install_upgrades_the_database_and_loads_the_sample(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in SHIPPED:  # a copy, so the build leaves no build/ or *.egg-info in the checkout
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(REPO / name, source / name)
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PERF_ENV", "VIRTUAL_ENV")}
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), ".", cwd=source)
    (wheel,) = (tmp_path / "dist").glob("perf-*.whl")

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", str(venv), cwd=tmp_path)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel),
        cwd=tmp_path, env=clean)  # fmt: skip
    site = Path(run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path,
                    env=clean).stdout.strip())  # fmt: skip
    (site / "perf_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    code = "import perf, perf.config as c; print(perf.__file__); print(c.bundled('migrations'))"
    where = run(str(python), "-c", code, cwd=tmp_path, env=clean).stdout.split()
    assert all(Path(p).is_relative_to(venv) for p in where), where  # the installed copy, not the checkout

    database = tmp_path / "perf.sqlite"
    env = {**clean, "PERF_DATABASE_URL": f"sqlite:///{database}"}
    perf = str(venv / "bin" / "perf")
    run(perf, "db", "upgrade", cwd=tmp_path, env=env)
    demo = run(perf, "demo", cwd=tmp_path, env=env)
    assert "项目：7 个" in demo.stdout and "演示账户：owner / perf-owner-2024" in demo.stdout
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM project").fetchone() == (7,)
    (tmp_path / "config").mkdir()  # an installed perf reads config/<PERF_ENV>.py from the working directory
    (tmp_path / "config" / "development.py").write_text('PUBLIC_URL = "http://perf.example"\n')
    code = ("from perf import create_app; app = create_app(); print(app.config['PUBLIC_URL']); "
            "print(app.jinja_env.get_template('base.html').filename); print(app.static_folder)")  # fmt: skip
    url, *pages = run(str(python), "-c", code, cwd=tmp_path, env=env).stdout.split()
    assert url == "http://perf.example"
    assert all(Path(p).is_relative_to(venv) and Path(p).exists() for p in pages), pages
