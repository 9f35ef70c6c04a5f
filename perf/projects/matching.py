"""Which stored indicator rows a replacing table's rows are: matched by (一级, 二级, 三级), pure.

A re-imported 绩效目标表 keeps what people recorded against its indicators (actual values, mid-year
entries, self-evaluation weights and bands), so a replace updates the matched rows in place and
only drops the rows the new table no longer has. Keys compare after NFKC and without white space
(``（%）`` and ``(%)``, a stray space, are the same indicator). A key held by several rows of one
table (the same 三级 twice under one 二级) pairs in order of appearance: the first stored row with
the first new one, the second with the second; the rest of the longer side is dropped or added.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

#: (stored index, new index).
Pair = tuple[int, int]
#: What a row is matched by.
KEY_FIELDS = ("level1", "level2", "name")


def key_of(level1: str, level2: str, name: str) -> tuple[str, str, str]:
    """The matching key of a row: each level after NFKC, white space removed."""
    return tuple("".join(unicodedata.normalize("NFKC", text or "").split()) for text in (level1, level2, name))


def row_key(row: Mapping) -> tuple[str, str, str]:
    """``key_of`` a row given as a mapping with level1, level2 and name."""
    return key_of(*(row.get(name) or "" for name in KEY_FIELDS))


@dataclass(frozen=True)
class RowMatch:
    """Pairs of stored and new rows with the same key; the stored rows left over; the new ones."""

    pairs: tuple[Pair, ...]
    dropped: tuple[int, ...]
    added: tuple[int, ...]


def match_rows(old: Sequence[Hashable], new: Sequence[Hashable]) -> RowMatch:
    """Pair ``old[i]`` with ``new[j]`` of the same key, the k-th occurrence with the k-th.

    ``pairs`` are in the new table's order; ``dropped`` and ``added`` in their own table's order.
    """
    waiting: dict[Hashable, list[int]] = defaultdict(list)
    for index, key in enumerate(old):
        waiting[key].append(index)
    pairs, added = [], []
    for index, key in enumerate(new):
        if waiting.get(key):
            pairs.append((waiting[key].pop(0), index))
        else:
            added.append(index)
    matched = {i for i, _ in pairs}
    dropped = tuple(i for i in range(len(old)) if i not in matched)
    return RowMatch(tuple(pairs), dropped, tuple(added))


@dataclass(frozen=True)
class Reconciliation:
    """A replace's rows: matched and the same (kept), matched but different (changed), dropped, added."""

    kept: tuple[Pair, ...]
    changed: tuple[Pair, ...]
    dropped: tuple[int, ...]
    added: tuple[int, ...]

    @property
    def pairs(self) -> tuple[Pair, ...]:
        """Every matched pair, in the new table's order."""
        return tuple(sorted((*self.kept, *self.changed), key=lambda pair: pair[1]))


def reconcile(old: Sequence[Mapping], new: Sequence[Mapping], fields: Sequence[str]) -> Reconciliation:
    """Match rows by key; a pair is changed when any of ``fields`` (as entered) differs, else kept.

    The order of rows is not a change: a kept row may move.
    """
    match = match_rows([row_key(row) for row in old], [row_key(row) for row in new])
    kept, changed = [], []
    for i, j in match.pairs:
        same = all((old[i].get(name) or "") == (new[j].get(name) or "") for name in fields)
        (kept if same else changed).append((i, j))
    return Reconciliation(tuple(kept), tuple(changed), match.dropped, match.added)
