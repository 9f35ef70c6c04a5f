"""Import a flat 绩效目标 table: the projects through the one importer, then each indicator's 权重 as its
self-evaluation weight. All or nothing, like every import; the service flushes, the caller commits."""

from perf.documents.flat import FlatTargets, load_targets
from perf.documents.importer import ImportResult, import_disclosure, sha256
from perf.evaluation.workflow import import_weights
from perf.extensions import db


def import_targets(
    flat: FlatTargets, digest: str, actor: str, replace: bool = False, drop_recorded: bool = False
) -> ImportResult:
    """Write the file's projects (as ``import_disclosure``, which keeps matched rows and what they carry)
    and their weights; on any problem nothing."""
    result = import_disclosure(flat, digest, actor, replace=replace, drop_recorded=drop_recorded)
    if not result.ok:
        return result
    created = set(result.created)
    for code, project in result.projects.items():
        weights = flat.weights.get(code) or []
        if any(weight is not None for weight in weights):
            result.weighted += import_weights(project, weights, actor, new=code in created)
    db.session.flush()
    return result


def import_targets_file(
    data: bytes, filename: str, actor: str, year: int | None = None, replace=False, drop_recorded=False
):
    """Read and import a file (the command line's)."""
    return import_targets(load_targets(data, filename, year), sha256(data), actor, replace, drop_recorded)
