"""Settings for the test suite (tests/conftest.py overrides the database per run)."""

TESTING = True
WTF_CSRF_ENABLED = False
#: Cheap hashing keeps the suite fast; tests/auth checks that the default is scrypt.
PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
