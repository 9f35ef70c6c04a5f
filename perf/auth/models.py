"""Users, their role and, for project owners, the units they look after; their API tokens.

An API token keeps only a SHA-256 of its secret and a short prefix to tell tokens apart.
"""

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, String, Table, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.db import BlankString, Moment, utcnow
from perf.extensions import db
from perf.org.models import Department, Unit

ROLES = ("owner", "reviewer", "leader", "admin")
ROLE_LABELS = {"owner": "项目负责人", "reviewer": "财务审核", "leader": "部门领导", "admin": "管理员"}
#: The roles that belong to one department (and see all of its projects).
DEPARTMENT_ROLES = ("reviewer", "leader")

user_unit = Table(
    "user_unit",
    db.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True),
)


class User(db.Model):
    """A person who signs in to perf."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint(f"role IN {ROLES}", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Sign-in name, unique.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: Name shown in the interface, e.g. 张会计.
    display_name: Mapped[str] = mapped_column(BlankString(100), default="", nullable=True)
    #: Where e-mails go; empty: in-app messages only.
    email: Mapped[str] = mapped_column(BlankString(254), default="", nullable=True)
    #: Messages by e-mail as well as in-app (when there is an address).
    notify_email: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: One e-mail a day listing the day's messages instead of one e-mail per message.
    digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: scrypt hash from werkzeug.security.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: owner (项目负责人), reviewer (财务审核), leader (部门领导, read-only) or admin (管理员).
    role: Mapped[str] = mapped_column(String(20))
    #: The department a reviewer reviews or a leader oversees (NULL for owners and admins).
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    #: Inactive users cannot sign in.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[Moment] = mapped_column(default=utcnow)
    last_login_at: Mapped[Moment | None]
    #: Moved on by each change an admin or the user saves (perf/versions.py); signing in does not move it.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    #: Written into each session at sign-in; moved on at sign-out and at a password change, which ends
    #: every session that carries an older one (perf/auth/session.py).
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    department: Mapped[Department | None] = relationship()
    units: Mapped[list[Unit]] = relationship(secondary=user_unit, order_by=Unit.id)

    # Flask-Login's user protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What the session keeps (Flask-Login's "alternative token"): the id and the session version, so a
        sign-out or a new password, which move the version on, end every session begun before."""
        return f"{self.id}:{self.session_version or 1}"

    @property
    def role_label(self) -> str:
        """The role in Chinese."""
        return ROLE_LABELS[self.role]

    @property
    def mails_each_message(self) -> bool:
        """An e-mail goes out for each message (not only the daily digest)."""
        return bool(self.email) and self.notify_email and not self.digest

    @property
    def label(self) -> str:
        """Display name, or the user name."""
        return self.display_name or self.username


class ApiToken(db.Model):
    """A secret a program sends as ``Authorization: Bearer …`` to act as its user."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    #: What the user called it, e.g. 国库支付对接.
    name: Mapped[str] = mapped_column(String(100))
    #: Hex SHA-256 of the whole secret; the secret itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The secret's first characters (``perf_AbCd1234``), to recognise it in lists.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[Moment] = mapped_column(default=utcnow)
    #: Updated at most once a minute while the token is in use.
    last_used_at: Mapped[Moment | None]
    #: Set when the user revokes it; a revoked token is refused.
    revoked_at: Mapped[Moment | None]

    user: Mapped[User] = relationship()

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None
