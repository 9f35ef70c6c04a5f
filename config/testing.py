"""Settings for the test suite (tests/conftest.py overrides the database per run)."""

TESTING = True
WTF_CSRF_ENABLED = False
