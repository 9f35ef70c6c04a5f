"""Packages: perf and its rooms (found, so a new room ships without editing this), plus migrations/ and
templates/, which stay at the top of the repo and install as perf/migrations and perf/templates
(pyproject.toml maps their folders and lists their files)."""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["perf", "perf.*"]),
        "perf.migrations",
        "perf.migrations.versions",
        "perf.templates",
    ]
)
