"""Development settings: a SQLite file under instance/ unless PERF_DATABASE_URL says otherwise."""

DEBUG = True
