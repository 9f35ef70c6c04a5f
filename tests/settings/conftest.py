"""The settings tests use the monitoring fixtures (payments, a real SMTP server) and the API's token client."""

from tests.alerts.conftest import pay, smtp, webhook  # noqa: F401
from tests.api.conftest import api, tokens  # noqa: F401
