"""The project's own documentation: every reference points inside the repository, and the
file-format page describes every field the published schemas have."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP_FOLDERS = (
    "canvas_app",
    "callbacks",
    "layouts",
    "storage",
    "docs",
    "schema",
    "modules",
    "examples",
    "tests",
    "bench",
    ".ci",
)
OUTSIDE = re.compile(r"DESIGN\.md|NOTES\.md|\.\./shared|/work/shared")


def test_markdown_links_resolve_inside_the_repository():
    broken = []
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue  # a web address or an anchor of the same page
            path = (doc.parent / target.split("#")[0]).resolve()
            if not path.exists() or ROOT not in path.parents:
                broken.append(f"{doc.name}: {target}")
    assert broken == []


def test_paths_named_in_the_docs_exist():
    """A `folder/file.ext` in backticks names a file of the checkout (globs, placeholders and the
    wheel-only canvas_app/_shipped/ aside)."""
    missing = []
    for doc in DOCS:
        for name in re.findall(r"`([^`\s]+)`", doc.read_text(encoding="utf-8")):
            named = name.split("/")[0] in TOP_FOLDERS and "/" in name and not re.search(r"[<>*{}…]|_shipped", name)
            if named and not (ROOT / name.split(":")[0]).exists():
                missing.append(f"{doc.name}: {name}")
    assert missing == []


def test_nothing_points_at_files_outside_the_project():
    tracked = subprocess.run(
        ["git", "ls-files", "*.py", "*.md", "*.toml", "*.yaml", "*.json", ".ci/*"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    this = Path(__file__).resolve().relative_to(ROOT).as_posix()
    found = [
        f
        for f in tracked
        if f != this
        and (ROOT / f).is_file()
        and OUTSIDE.search((ROOT / f).read_text(encoding="utf-8", errors="replace"))
    ]
    assert found == []


def _schema_fields(schema: dict) -> set[str]:
    fields = set(schema.get("properties", {}))
    for definition in schema.get("$defs", {}).values():
        fields |= set(definition.get("properties", {}))
    return fields


def test_the_file_format_page_names_every_field_of_both_schemas():
    page = (ROOT / "docs" / "file-format.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([^`]+)`", page))
    for schema_file in ("citycanvas-1.schema.json", "module.schema.json"):
        schema = json.loads((ROOT / "schema" / schema_file).read_text(encoding="utf-8"))
        assert _schema_fields(schema) - named == set(), (
            f"docs/file-format.md does not describe these {schema_file} fields"
        )
