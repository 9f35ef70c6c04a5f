"""Background jobs: long work (bulk exports, a scan started from a page) runs on a huey queue.

A ``Job`` row is perf's record of each one (kind, status, progress, who, when, result file,
Chinese error); the huey queue (a SQLite file under instance/ by default, Redis in production)
only carries the job's id to a worker (``perf worker``).
"""
