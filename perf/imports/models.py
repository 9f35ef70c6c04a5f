"""One uploaded file: what it is, who sent it, what checking it found, and whether it was applied."""

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.auth.models import User
from perf.db import Moment, utcnow
from perf.extensions import db
from perf.jobs.models import Job

#: The kinds of file an upload may be, as the API names them, with their Chinese names.
KINDS: dict[str, str] = {
    "disclosure": "部门预算公开文件",
    "targets": "绩效目标表（平面表）",
    "payments": "支付记录",
    "actuals": "实际完成值",
}
#: checking → checked (problems or none) → applied; failed when checking itself broke down.
STATUSES: dict[str, str] = {"checking": "检查中", "checked": "已检查", "failed": "检查失败", "applied": "已导入"}


class ImportRecord(db.Model):
    """An uploaded file and what became of it; the file's bytes are kept so confirming applies what was checked."""

    __tablename__ = "import_record"
    __table_args__ = (
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in KINDS)})", name="kind"),
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="status"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
        Index("ix_import_record_user", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: disclosure | targets | payments | actuals
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="checking")
    #: Percent of the work done (0–100); a background job updates it as it goes.
    progress: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str] = mapped_column(String(255))
    #: Hex SHA-256 of ``data``.
    digest: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    user: Mapped[User] = relationship()
    created_at: Mapped[Moment] = mapped_column(default=utcnow)
    checked_at: Mapped[Moment | None]
    applied_at: Mapped[Moment | None]
    #: {"new", "changed", "unchanged"}: rows (payments, actual values) or projects (a disclosure); a
    #: replacing table also has "indicators": {"kept", "changed", "dropped", "added"} of the replaced projects.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    #: [{"where", "message"}], in the file's order.
    problems: Mapped[list] = mapped_column(JSON, default=list)
    #: Per project: [{"code", "name", "new": [text], "changed": [text], "unchanged": n}]; a replaced table also
    #: "dropping": [{"level1", "level2", "name", "value", "recorded": [text]}], the indicators it drops.
    preview: Mapped[list] = mapped_column(JSON, default=list)
    #: SHA-256 of the preview at check time: confirming refuses when the stored data no longer gives the same.
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    #: The background job checking a large file (None: checked in the request).
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    job: Mapped[Job | None] = relationship()

    @property
    def kind_label(self) -> str:
        """The kind's Chinese name."""
        return KINDS[self.kind]

    @property
    def status_label(self) -> str:
        """The status's Chinese name."""
        return STATUSES[self.status]

    @property
    def dropping(self) -> list[dict]:
        """Every indicator applying would drop, with its project's code and name and what is recorded on it."""
        return [
            {"code": project["code"], "project": project["name"], **row}
            for project in self.preview or []
            for row in project.get("dropping", [])
        ]

    @property
    def row_counts(self) -> dict[str, int] | None:
        """Indicators of the replaced projects: kept, changed, dropped, added (None when nothing is replaced)."""
        return (self.summary or {}).get("indicators")

    @property
    def rows_sentence(self) -> str:
        """The indicator counts for a summary (；覆盖项目的指标保留 55 项、变更 1 项 …), or empty."""
        counts = self.row_counts
        if not counts:
            return ""
        return (
            f"；覆盖项目的指标保留 {counts['kept']} 项、变更 {counts['changed']} 项、"
            f"删除 {counts['dropped']} 项、新增 {counts['added']} 项"
        )

    @property
    def can_apply(self) -> bool:
        """Checked, and without a problem."""
        return self.status == "checked" and not self.problems
