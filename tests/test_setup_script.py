"""scripts/setup.sh never stops on an optional part: when the system packages for PDF cannot be installed
(no root, apt locked or unreachable) it says so and goes on to the virtualenv."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def fake(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def checkout(tmp_path):
    """A copy of the scripts beside a virtualenv that is already set up (so setup.sh installs nothing)."""
    shutil.copytree(REPO / "scripts", tmp_path / "scripts")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    fake(tmp_path / ".venv" / "bin", "python", "exit 0")
    stamp = tmp_path / ".venv" / ".perf-installed"
    stamp.touch()
    os.utime(tmp_path / "pyproject.toml", (1, 1))  # older than the stamp
    return tmp_path


@pytest.mark.parametrize(
    ("user", "apt", "says"),
    [
        ("0", "echo 'E: Could not get lock /var/lib/dpkg/lock-frontend' >&2; exit 100", "could not install"),
        ("0", "echo 'E: Unable to locate package fonts-noto-cjk' >&2; exit 100", "could not install"),
        ("1000", "exit 0", "install them as root"),
    ],
    ids=["apt locked", "apt unreachable", "no root"],
)
def test_setup_goes_on_without_the_pdf_packages(checkout, user, apt, says):
    bin_dir = checkout / "fakebin"
    bin_dir.mkdir()
    fake(bin_dir, "dpkg-query", "exit 1")  # nothing installed
    fake(bin_dir, "apt-get", apt)
    fake(bin_dir, "id", f'[ "$1" = "-u" ] && echo {user} || /usr/bin/id "$@"')
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PYTHON": sys.executable}
    result = subprocess.run(["bash", "scripts/setup.sh"], cwd=checkout, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert says in result.stderr
    assert "PDF reports need the system packages: libpango-1.0-0" in result.stderr
    assert "perf runs without them" in result.stderr
