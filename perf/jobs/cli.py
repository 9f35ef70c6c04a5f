"""``perf worker``: the process that runs queued jobs (``make run`` starts one beside the web server)."""

import click
from flask import current_app
from flask.cli import with_appcontext

from perf.jobs.queue import queue_of


@click.command("worker")
@click.option("--workers", type=click.IntRange(1, 32), default=1, show_default=True, help="同时执行的任务数（线程）")
@with_appcontext
def worker(workers: int) -> None:
    """运行后台任务（导出、扫描、检查上传的大文件）的执行进程；Ctrl+C 停止。"""
    queue = queue_of(current_app._get_current_object())
    click.echo(f"后台任务执行进程已启动（{workers} 个线程）")
    queue.create_consumer(workers=workers, worker_type="thread", periodic=False).run()
