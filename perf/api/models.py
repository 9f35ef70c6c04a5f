"""Per-user API tokens: only a SHA-256 of the secret is kept, and a short prefix to tell tokens apart."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.auth.models import User
from perf.db import Moment, utcnow
from perf.extensions import db


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
