"""Flat target tables in: the 一体化 layout read by perf.documents.flat, written by the one importer,
its 权重 kept as the self-evaluation weights (the room that may know both documents and evaluation)."""
