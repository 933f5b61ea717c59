"""The rooms depend on each other one way: reports → indicators → cases → accounts; and the
developers' tools (devtools) may use any of them, but no room of the product uses the tools.

Read from the source's imports (module level and inside functions alike), so that a lazy import
cannot hide an arrow back up or a circle."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ["accounts", "cases", "indicators", "reports", "notices", "devtools"]  # lowest first
LOWER_MAY_NOT_IMPORT = {
    "accounts": {"cases", "indicators", "reports", "notices", "devtools"},
    "cases": {"indicators", "reports", "notices", "devtools"},
    "indicators": {"notices", "devtools"},
    "reports": {"notices", "devtools"},
    "notices": {"devtools"},
}


def modules() -> dict[str, Path]:
    found = {}
    for room in ROOMS:
        for path in (ROOT / room).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    return {t for t in targets if t in known}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) - {name} for name, path in known.items()}


def test_no_lower_room_imports_a_higher_one():
    arrows = [
        (a, b)
        for a, targets in graph().items()
        for b in targets
        if b.split(".")[0] in LOWER_MAY_NOT_IMPORT.get(a.split(".")[0], set())
    ]
    assert arrows == []


def test_no_module_imports_itself_round_a_circle():
    edges = graph()
    # Tarjan's strongly connected components: any with two or more modules is a circle.
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert circles == []


def test_the_walk_sees_the_imports_it_checks():
    edges = graph()
    assert "cases.deadlines" in edges["cases.models.petitions"]
    assert "cases.models" in edges["indicators.registry"]
    assert "cases.validators" in edges["devtools.vocabulary"]
    assert len(edges) > 80
