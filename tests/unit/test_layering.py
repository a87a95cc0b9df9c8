"""Imports point one way: engine knows no web or drawing framework; render knows no store or engine;
bpmn_reader (shared by both) knows neither; nothing imports api."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(package: str):
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                yield path, [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, [node.module]


@pytest.mark.parametrize("package, forbidden", [
    ("engine", ("flask", "flask_smorest", "marshmallow", "graphviz", "api", "render", "werkzeug")),
    ("render", ("engine", "api", "sqlalchemy", "flask")),
    # the shared reader depends on lxml only: engine and render both build on it
    ("bpmn_reader", ("engine", "render", "api", "sqlalchemy", "flask", "SpiffWorkflow", "graphviz")),
])
def test_package_does_not_import(package, forbidden):
    offenders = [(str(path.relative_to(ROOT)), name) for path, names in imported_modules(package)
                 for name in names if name.split(".")[0] in forbidden]
    assert offenders == []


def test_only_the_store_imports_sqlalchemy():
    offenders = [str(path.relative_to(ROOT)) for path, names in imported_modules("engine")
                 for name in names if name.split(".")[0] in ("sqlalchemy", "alembic")
                 and "store" not in path.relative_to(ROOT).parts]
    assert offenders == []
