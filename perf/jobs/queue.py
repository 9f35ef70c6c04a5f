"""The queue: huey, on a SQLite file under instance/ by default, on Redis when ``JOBS_QUEUE_URL`` says so.

Why huey: it is small, maintained, pure Python and needs no server for its default (SqliteHuey
keeps the queue in one file, so queued jobs survive a restart of the web server and of the
worker), while RedisHuey serves a deployment with several web servers and worker machines
with the same tasks. Each app builds its queue on first use (never at import or in the factory)
and registers the one task, ``perf.jobs.run``, which carries a job's id; everything else a job
needs is in its ``Job`` row. In the tests (``JOBS_IMMEDIATE``, on by default under TESTING)
huey runs a task at once, in memory, when it is queued.
"""

from pathlib import Path

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, signals

from perf.jobs.runner import execute, interrupted

TASK_NAME = "perf.jobs.run"


def queue_of(app: Flask) -> Huey:
    """The app's huey instance, built on first use."""
    found = app.extensions.get("perf_jobs_queue")
    if found is None:
        found = app.extensions["perf_jobs_queue"] = _build(app)
    return found


def _immediate(app: Flask) -> bool:
    immediate = app.config.get("JOBS_IMMEDIATE")
    return bool(app.config.get("TESTING")) if immediate is None else bool(immediate)


def _build(app: Flask) -> Huey:
    url = app.config.get("JOBS_QUEUE_URL") or ""
    immediate = _immediate(app)
    if url.startswith(("redis://", "rediss://", "unix://")):
        queue = RedisHuey("perf", url=url, immediate=immediate)
    else:
        path = url.removeprefix("sqlite:///") or str(Path(app.instance_path) / "jobs.sqlite")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        queue = SqliteHuey("perf", filename=path, immediate=immediate)

    @queue.task(name=TASK_NAME)
    def run(job_id: int) -> None:
        execute(app, job_id)

    @queue.signal(signals.SIGNAL_INTERRUPTED)
    def stopped(_signal, task, *_args) -> None:
        """The worker was stopped in the middle of a job: the job says so instead of running forever."""
        interrupted(app, task.args[0])

    app.extensions["perf_jobs_task"] = run
    return queue


def enqueue(job_id: int) -> None:
    """Put the job on the queue (call after the job's row is committed: the worker reads it)."""
    app = current_app._get_current_object()
    queue_of(app)
    app.extensions["perf_jobs_task"](job_id)


def work_once(queue: Huey) -> bool:
    """Take one task off the queue and run it; False when the queue was empty (a test's worker loop)."""
    task = queue.dequeue()
    if task is None:
        return False
    queue.execute(task)
    return True
