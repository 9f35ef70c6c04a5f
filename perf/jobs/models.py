"""The job record: what was asked, by whom, how far it got and what came out."""

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.auth.models import User
from perf.db import BlankText, Moment, utcnow
from perf.extensions import db

JOB_STATUSES = ("queued", "running", "done", "failed")
#: What a person reads for each stored status code.
STATUS_LABELS = {"queued": "排队中", "running": "进行中", "done": "完成", "failed": "失败"}


class Job(db.Model):
    """One piece of background work and its outcome."""

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint(f"status IN {JOB_STATUSES}", name="status_known"),
        CheckConstraint("done >= 0 AND total >= 0", name="progress_counts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the job does, a key of ``perf.jobs.kinds.KINDS`` (e.g. ``self_evaluations``).
    kind: Mapped[str] = mapped_column(String(40))
    #: The job's parameters as JSON (department code, year, format …).
    params: Mapped[str] = mapped_column(Text, default="{}")
    #: Stored code; ``STATUS_LABELS`` gives the Chinese.
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    #: Progress: ``done`` of ``total`` steps (projects, mostly); total 0 while unknown.
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    #: Who started it; only they (or an admin) may see it and download its result.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[Moment] = mapped_column(default=utcnow)
    started_at: Mapped[Moment | None]
    finished_at: Mapped[Moment | None]
    #: The result file's name inside the jobs folder (instance/jobs), and the name it downloads as.
    result_file: Mapped[str | None] = mapped_column(String(200))
    download_name: Mapped[str | None] = mapped_column(String(200))
    mimetype: Mapped[str | None] = mapped_column(String(100))
    #: A line for a person when it is done (e.g. a scan's counts), or why it failed, in Chinese.
    note: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    error: Mapped[str] = mapped_column(BlankText, default="", nullable=True)

    user: Mapped[User] = relationship()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]
