"""What replacing a stored table's rows with a file's would do: kept, changed, dropped (and what the dropped
rows carry), added. Read before writing, so an import can refuse to drop recorded work unasked and say
what it did; ``services.replace_indicators`` writes by the same match (``perf.projects.matching``).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from perf.projects.keepers import recorded_on
from perf.projects.matching import reconcile
from perf.projects.models import Project
from perf.projects.schemas import IndicatorRowSchema, entered
from perf.projects.services import ROW_ATTRIBUTES, stored_row

#: Row fields other than the 指标值, as a change names them.
_LABELS = {attribute: label for _, attribute, label in entered(IndicatorRowSchema) if attribute != "value_text"}


@dataclass(frozen=True)
class DroppedRow:
    """A stored indicator the new table no longer has, and what is recorded against it (Chinese, may be empty)."""

    level1: str
    level2: str
    name: str
    value: str
    recorded: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """提供材料比例（产出指标·数量指标）."""
        return f"{self.name}（{self.level1}·{self.level2}）"

    @property
    def described(self) -> str:
        """The label, and what it carries: 平台使用率（效益指标·经济效益指标），已有实际完成值 1 条."""
        return f"{self.label}，已有{'、'.join(self.recorded)}" if self.recorded else self.label

    def as_dict(self) -> dict:
        """JSON-safe (the upload preview keeps it)."""
        return {
            "level1": self.level1,
            "level2": self.level2,
            "name": self.name,
            "value": self.value,
            "recorded": list(self.recorded),
        }


@dataclass
class RowChanges:
    """One replaced table's rows: names kept, changes (name: before → after), rows dropped, names added."""

    kept: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    dropped: list[DroppedRow] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    @property
    def recorded(self) -> list[DroppedRow]:
        """The dropped rows that carry recorded data: a replace drops them only when confirmed."""
        return [row for row in self.dropped if row.recorded]

    def counts(self) -> dict[str, int]:
        return {
            "kept": len(self.kept),
            "changed": len(self.changed),
            "dropped": len(self.dropped),
            "added": len(self.added),
        }

    def sentence(self) -> str:
        """保留 6 项、变更 1 项、删除 1 项（平台使用率（…），已有实际完成值 1 条）、新增 0 项."""
        dropped = f"删除 {len(self.dropped)} 项"
        if self.dropped:
            dropped += f"（{'；'.join(row.described for row in self.dropped)}）"
        return f"保留 {len(self.kept)} 项、变更 {len(self.changed)} 项、{dropped}、新增 {len(self.added)} 项"

    def audited(self) -> dict[str, list]:
        """The audit log's before/after of the rows' fate (kept and changed rows by name)."""
        return {
            "指标：保留": [None, "、".join(self.kept)],
            "指标：变更": [None, "；".join(self.changed)],
            "指标：删除": [None, "；".join(row.described for row in self.dropped)],
            "指标：新增": [None, "、".join(self.added)],
        }


def row_changes(project: Project, rows: Sequence[Mapping]) -> RowChanges:
    """What replacing ``project``'s rows with loaded ``rows`` (the one schema's) would do; writes nothing."""
    stored = list(project.indicators)
    plan = reconcile([stored_row(row) for row in stored], rows, ROW_ATTRIBUTES)
    recorded = recorded_on([stored[i].id for i in plan.dropped])
    changes = RowChanges()
    changes.kept = [rows[j]["name"] for _, j in plan.kept]
    changes.changed = [_change(stored[i], rows[j]) for i, j in plan.changed]
    changes.dropped = [
        DroppedRow(row.level1, row.level2, row.name, row.value_text, tuple(recorded.get(row.id, ())))
        for row in (stored[i] for i in plan.dropped)
    ]
    changes.added = [rows[j]["name"] for j in plan.added]
    return changes


def _change(before, after: Mapping) -> str:
    """提供材料比例：≥40% → ≥45% (or which other fields changed)."""
    if before.value_text != after["value_text"]:
        return f"{after['name']}：{before.value_text} → {after['value_text']}"
    fields = [label for name, label in _LABELS.items() if (getattr(before, name) or "") != (after.get(name) or "")]
    return f"{after['name']}：{'、'.join(fields)}有变更"
