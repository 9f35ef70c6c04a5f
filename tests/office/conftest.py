"""The office tests use the alerts room's real SMTP server, webhook receiver and addressed users."""

from tests.alerts.conftest import people, smtp, webhook  # noqa: F401  (fixtures)
