"""The package's layers hold: data flows top to bottom, nothing imports in a cycle, nothing hides.

Layers, lowest first: core < inputs < world < model < rules < engine < explain < outputs, then
the modules on top (api, cli, present, whatif, web). A module may import its own layer and the
layers below it, never one above. Imports inside functions are not allowed for the library's own
modules (they hide a dependency, often a cycle); a third-party import may be deferred inside a
function only with a comment saying why. Imports under `if TYPE_CHECKING:` are for type hints
only and are not counted.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "scheduler"
LAYERS = ("core", "inputs", "world", "model", "rules", "engine", "explain", "outputs")

# Listed exceptions, each with its reason; anything not listed here fails.
# `schedule serve` loads the web server (Starlette, uvicorn) for that command alone.
DEFERRED = {("scheduler.cli", "scheduler.web.runs"), ("scheduler.cli", "scheduler.web.server")}
# The web package landed last in issue 12's window with function-level imports and one cycle
# (app -> meeting/whatifs -> app); they are listed so that nothing new slips in while they are
# untangled (the cycle: the helpers meeting.py and whatifs.py take from app.py belong in a
# module of their own).
WEB_AS_LANDED = {
    ("scheduler.web.app", "csv"), ("scheduler.web.app", "scheduler.outputs.export_csv"),
    ("scheduler.web.app", "scheduler.outputs.folder"), ("scheduler.web.app", "scheduler.outputs.report"),
    ("scheduler.web.app", "scheduler.web.meeting"), ("scheduler.web.app", "scheduler.web.whatifs"),
    ("scheduler.web.jobs", "scheduler.engine.progress"), ("scheduler.web.meeting", "scheduler.explain.answers"),
    ("scheduler.web.meeting", "scheduler.explain.render"), ("scheduler.web.meeting", "scheduler.web.app"),
    ("scheduler.web.meeting", "scheduler.web.runs"), ("scheduler.web.runs", "io"),
    ("scheduler.web.server", "scheduler.web.app"), ("scheduler.web.server", "uvicorn"),
    ("scheduler.web.views", "scheduler.outputs.report"), ("scheduler.web.whatifs", "scheduler.web.app"),
    ("scheduler.web.whatifs", "scheduler.whatif"),
}
WEB_CYCLE = {"scheduler.web.app", "scheduler.web.meeting", "scheduler.web.whatifs"}


@dataclass(frozen=True)
class Import:
    source: str  # importing module, dotted
    target: str  # imported module of the package, dotted (or a third-party name)
    line: int
    nested: bool  # inside a function or class body
    commented: bool  # a comment on the line or the line above


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(name: str) -> str:
    """The package module an import refers to: the longest dotted prefix that is a module."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str, path: Path) -> list[Import]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: list[Import] = []

    def commented(lineno: int) -> bool:
        here = lines[lineno - 1]
        above = lines[lineno - 2].strip() if lineno > 1 else ""
        return "#" in here or above.startswith("#")

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                continue
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda)
            if isinstance(child, ast.Import):
                targets = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - child.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in child.names]
            else:
                visit(child, inner)
                continue
            for target in dict.fromkeys(targets):
                if target.split(".")[0] == "scheduler":
                    target = resolve(target)
                found.append(Import(name, target, child.lineno, nested, commented(child.lineno)))

    visit(ast.parse(text), False)
    return found


IMPORTS = [i for name, path in MODULES.items() for i in imports_of(name, path)]
OWN = [i for i in IMPORTS if i.target.split(".")[0] == "scheduler" and i.target != i.source]


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else len(LAYERS)


def layer_name(module: str) -> str:
    n = layer(module)
    return LAYERS[n] if n < len(LAYERS) else "top"


def test_every_layer_imports_only_itself_and_the_layers_below():
    upward = [f"{i.source} (line {i.line}, {layer_name(i.source)}) imports {i.target} ({layer_name(i.target)})"
              for i in OWN if layer(i.target) > layer(i.source)]
    assert not upward, "imports that go up the layers:\n" + "\n".join(upward)


def test_no_import_cycles():
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for i in OWN:
        graph[i.source].add(i.target)
    cycles = [c for c in _strongly_connected(graph) if c != WEB_CYCLE]
    assert not cycles, "modules that import each other (directly or round a loop):\n" + "\n".join(
        " -> ".join(sorted(c)) for c in cycles)


def test_no_hidden_imports_inside_functions():
    listed = DEFERRED | WEB_AS_LANDED
    hidden = [f"{i.source} line {i.line}: {i.target}" for i in IMPORTS if i.nested and (
        i.target.split(".")[0] == "scheduler" or not i.commented) and (i.source, i.target) not in listed]
    assert not hidden, ("imports inside functions (move them to the top of the module; a heavy optional "
                        "third-party import may stay, with a comment saying why):\n" + "\n".join(hidden))


def test_the_checks_see_every_layer():
    # A guard on the test itself: if the folders were renamed, the checks above would pass vacuously.
    seen = {layer_name(m) for m in MODULES}
    assert seen == {*LAYERS, "top"}, seen
    assert len(OWN) > 50


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the groups of modules that reach each other (size 2 or more)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(group)

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out
