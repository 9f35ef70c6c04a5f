"""The rooms: each package says what it holds, no room imports one that imports it back, no import is dodged."""

import ast
from pathlib import Path

PERF = Path(__file__).resolve().parents[1] / "perf"
#: Where late imports are the design: the app factory, the command group and the API's mounting.
COMPOSITION_ROOT = {"perf", "perf.cli", "perf.api"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PERF.rglob("*.py"):
        name = ".".join(path.relative_to(PERF.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(path: Path):
    """(imported perf module, at module level?) for every import in ``path``."""
    tree = ast.parse(path.read_text())
    top = set(map(id, tree.body))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("perf"):
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if alias.name.startswith("perf")]
        else:
            continue
        for name in {_resolve(n) for n in names} - {None}:
            yield name, id(node) in top


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (PERF / parts[1]).is_dir() else "core"


def test_no_import_is_dodged_inside_a_function():
    dodged = [
        f"{name} imports {target} inside a function"
        for name, path in MODULES.items()
        if name not in COMPOSITION_ROOT
        for target, at_top in _imports(path)
        if not at_top and target != name
    ]
    assert dodged == []


def test_the_rooms_import_each_other_without_a_cycle():
    edges: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        if name in COMPOSITION_ROOT or (_room(name) == "core" and name != "perf.metadata"):
            continue
        for target, _ in _imports(path):
            if _room(target) not in ("core", _room(name)):
                edges.setdefault(_room(name), set()).add(_room(target))
    edges.pop("api", None)  # the API adapts every room and no room imports it
    cycles = []

    def walk(start: str, room: str, path: list[str]) -> None:
        for nxt in sorted(edges.get(room, ())):
            if nxt == start:
                cycles.append(" -> ".join([*path, nxt]))
            elif nxt not in path:
                walk(start, nxt, [*path, nxt])

    for room in sorted(edges):
        walk(room, room, [room])
    assert cycles == []
    assert not any("api" in targets for targets in edges.values())


def test_core_modules_import_no_room():
    core = [name for name in MODULES if _room(name) == "core" and name not in COMPOSITION_ROOT | {"perf.metadata"}]
    reaching = [
        f"{name} -> {target}" for name in core for target, _ in _imports(MODULES[name]) if _room(target) != "core"
    ]
    assert core and reaching == []


def test_every_room_says_what_it_holds():
    for package in sorted(p for p in PERF.iterdir() if (p / "__init__.py").exists() and p.name != "static"):
        docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
        assert docstring and len(docstring) > 40, f"perf/{package.name}/__init__.py says nothing of its room"
