"""docs/flags.md and the flag registry (canvas_app/flags.py) stay exactly what the checks raise."""

from __future__ import annotations

import ast
from pathlib import Path

from canvas_app import checks
from canvas_app.flags import FLAGS, markdown

ROOT = Path(__file__).resolve().parents[2]


def raised_by_checks() -> set[tuple[str, str, str, str]]:
    """``(code, severity, score, criterion)`` of every ``_finding(...)`` call in canvas_app/checks.py."""
    tree = ast.parse(Path(checks.__file__).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_finding":
            args = node.args[:4]
            assert all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args), (
                f"checks.py line {node.lineno}: a finding's code, severity, score and criterion must be literals"
            )
            found.add(tuple(a.value for a in args))  # type: ignore[attr-defined]  # checked to be Constant above
    return found


def test_the_registry_names_every_finding_the_checks_raise_and_no_other():
    registry = {(r.code, r.severity, r.score, r.criterion) for r in FLAGS}
    assert len(registry) == len(FLAGS), "a flag rule is listed twice"
    assert registry == raised_by_checks()


def test_docs_flags_md_is_generated_from_the_registry():
    """Regenerate with `python -m canvas_app.flags > docs/flags.md`."""
    assert (ROOT / "docs" / "flags.md").read_text(encoding="utf-8") == markdown()


def test_every_rule_says_what_raises_it_and_what_clears_it():
    for rule in FLAGS:
        assert rule.raised_when.strip() and rule.remedy.strip(), rule.code
        assert "|" not in rule.raised_when + rule.remedy, f"{rule.code}: a '|' would break the table"


def test_every_code_has_its_check_for_verifying_remedies():
    from canvas_app.recommend import CHECK_OF

    assert set(CHECK_OF) == {r.code for r in FLAGS}
