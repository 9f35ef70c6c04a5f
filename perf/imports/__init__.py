"""Uploads: a file of any kind perf reads, checked without writing (a preview), then applied on confirmation.

Each upload is an ``import_record`` (who, when, file, digest, counts, problems, status and progress).
"""
