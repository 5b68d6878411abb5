"""The layers hold: the core is pure, each layer imports only the ones below it, and nothing imports in a loop.

Layers, bottom up: the core (the modules directly in ``canvas_app/``), ``storage/``, the page builders
(``layouts/``), the application services (``canvas_app/web/`` without its composition root), the callbacks
(``callbacks/``), and the composition roots that wire everything (``canvas_app.web.app``, ``wsgi``,
``worker`` and the command line ``canvas_app/cli/``). Imports inside functions count like any other:
a function-level import does not hide a loop from these tests.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("canvas_app", "storage", "layouts", "callbacks")
ROOTS = {"canvas_app.web.app", "canvas_app.web.wsgi", "canvas_app.web.worker"}
"""Composition roots inside canvas_app/web/: they build the app, so they may import the callbacks."""
UI_AND_DATABASE = (
    "dash",
    "dash_bootstrap_components",
    "dash_cytoscape",
    "flask",
    "werkzeug",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "storage",
    "callbacks",
    "layouts",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "migrations" not in p.parts}


def layer(name: str) -> int:
    if name in ROOTS or name.startswith("canvas_app.cli"):
        return 5
    if name.startswith("callbacks"):
        return 4
    if name.startswith("canvas_app.web"):
        return 3
    if name.startswith("layouts"):
        return 2
    if name.startswith("storage"):
        return 1
    return 0  # the core


def import_graph() -> nx.DiGraph:
    """Every import between project modules, at module level or inside a function, as module → module."""
    modules = project_modules()

    def resolve(target: str) -> str | None:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                found = resolve(target)
                if found and found != name:
                    graph.add_edge(name, found)
    return graph


def test_no_module_imports_in_a_loop():
    loops = [sorted(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1]
    assert loops == []


def test_each_layer_imports_only_the_layers_below_it():
    graph = import_graph()
    upward = [f"{a} → {b}" for a, b in graph.edges if layer(b) > layer(a)]
    assert upward == []


def test_the_graph_sees_function_level_imports():
    """The probe itself: a function-level import is an edge (the CLI imports the app only when serving)."""
    assert import_graph().has_edge("canvas_app.cli.main", "canvas_app.web.app")


def test_the_core_imports_neither_the_ui_nor_the_database():
    """Imported in a fresh interpreter, every core module pulls in none of the UI or storage packages."""
    core = sorted(name for name in project_modules() if layer(name) == 0 and name != "canvas_app")
    assert "canvas_app.model" in core and "canvas_app.web.app" not in core
    script = (
        "import importlib, json, sys\n"
        f"for name in {core!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded = set(json.loads(out.stdout))
    assert "canvas_app" in loaded and "networkx" in loaded  # the probe did import the core
    assert sorted(loaded & set(UI_AND_DATABASE)) == []


def test_only_storage_talks_sql():
    """No module outside ``storage/`` imports SQLAlchemy or alembic."""
    graph_free = []
    for name, path in project_modules().items():
        if name.startswith("storage"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            graph_free += [f"{name}: {m}" for m in modules if m.split(".")[0] in ("sqlalchemy", "alembic")]
    assert graph_free == []
