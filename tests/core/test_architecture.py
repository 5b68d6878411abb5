"""The core stays pure: usable from a script or the CLI without Dash, Flask or a database driver."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CORE = [
    "model",
    "estimates",
    "module_schema",
    "library",
    "ecosystem",
    "checks",
    "scoring",
    "evaluation",
    "analysis",
    "recommend",
    "compare",
    "diff",
    "exports",
    "ranking",
    "weights",
    "ids",
    "flags",
    "mechanisms",
    "report",
    "picture",
    "commands",
    "workspace_model",
    "standards",
    "business_canvas",
    "messages",
]
FORBIDDEN = ("dash", "flask", "sqlalchemy", "alembic", "psycopg", "storage", "callbacks", "layouts")


def test_the_core_imports_neither_the_ui_nor_the_database():
    """Imported in a fresh interpreter, the core modules pull in none of the UI or storage packages."""
    script = (
        "import importlib, json, sys\n"
        f"for name in {CORE!r}: importlib.import_module('canvas_app.' + name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    loaded = set(json.loads(out.stdout))
    assert "canvas_app" in loaded and "networkx" in loaded  # the probe did import the core
    assert sorted(loaded & set(FORBIDDEN)) == []


def test_only_storage_talks_sql():
    """No module outside ``storage/`` imports SQLAlchemy or alembic."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for folder in ("canvas_app", "callbacks", "layouts"):
        for path in (root / folder).rglob("*.py"):
            for line in path.read_text(encoding="utf-8").splitlines():
                words = line.strip().split()
                if (
                    words[:1] in (["import"], ["from"])
                    and len(words) > 1
                    and words[1].split(".")[0] in ("sqlalchemy", "alembic")
                ):
                    offenders.append(f"{path.relative_to(root)}: {line.strip()}")
    assert offenders == []
