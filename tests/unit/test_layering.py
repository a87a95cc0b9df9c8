"""Imports point one way: engine knows no web or drawing framework; render knows no store or engine;
bpmn_reader (shared by both) and bpmn_fragments (the templates of generated fragments) know neither;
nothing imports api."""
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
    # the fragment templates write BPMN text: lxml only, so the engine may import them
    ("bpmn_fragments", ("engine", "render", "api", "sqlalchemy", "flask", "SpiffWorkflow", "graphviz")),
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


def test_services_do_not_import_the_store_models():
    """Services speak to the store through the unit of work's repositories (engine/store/): they
    never build or name an ORM row, so a table can change without touching a service."""
    offenders = [(str(path.relative_to(ROOT)), module)
                 for path in (ROOT / "engine" / "services").rglob("*.py")
                 for module, _ in _absolute_imports(path)
                 if module and module.startswith("engine.store.") and module.split(".")[-1].endswith("models")]
    assert offenders == []


def test_services_reach_the_store_through_repositories_only():
    """No service touches a unit of work's SQLAlchemy session (`uow.session`): what it needs is a
    repository's method or the unit of work's own (commit, rollback), which the fake unit of work
    (tests/fakes.py) has too, so the services' tests need no database."""
    offenders = [f"{path.relative_to(ROOT)}:{node.lineno}"
                 for path in (ROOT / "engine" / "services").rglob("*.py")
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Attribute) and node.attr == "session"
                 and isinstance(node.value, ast.Name) and node.value.id in ("uow", "reading")]
    assert offenders == []


def test_every_api_schema_lives_in_api_schemas():
    """One module holds the REST API's marshmallow schemas: a view module only routes."""
    offenders = [(str(path.relative_to(ROOT)), node.name)
                 for path in (ROOT / "api").rglob("*.py") if path.name != "schemas.py"
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.ClassDef)
                 and any(getattr(base, "id", getattr(base, "attr", "")) == "Schema" for base in node.bases)]
    assert offenders == []


# -- the public portal reads published records only ---------------------------------------------
PORTAL_SERVICES = ROOT / "engine" / "services" / "public"
# What a portal service may import from the engine: no matter, inbox, runtime or the workspace's
# services (which read matters), only the published side and pure helpers.
PORTAL_MAY_IMPORT = {"engine.errors", "engine.definitions", "engine.disclosure", "engine.masking", "engine.power_list",
                     "engine", "engine.services.public.catalogue", "engine.vocabulary",
                     # the notice board (issue 10, part 3): pure hashing and the board's catalogue
                     "engine.audit", "engine.noticeboard",
                     # the portal's frozen views and their builders (issue 18, item 4), the board's
                     # entries being record views too
                     "engine.services.public.views",
                     # a complaint photo stored without its metadata (Pillow only, no store)
                     "engine.photos"}
PRIVATE_NAMES = {"MatterRecord", "InboxItem", "IdempotencyKey", "User", "ApiToken", "RoleGrant", "Attachment"}


def _absolute_imports(path: Path):
    """(module, names) for every import of a file, relative ones resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            module = f"{base}.{node.module}" if node.level and node.module else (base if node.level else node.module)
            yield module, [a.name for a in node.names]


def test_portal_services_import_nothing_that_reads_matters():
    offenders = []
    for path in PORTAL_SERVICES.glob("*.py"):
        for module, names in _absolute_imports(path):
            if module.startswith("engine") and module not in PORTAL_MAY_IMPORT:
                offenders.append((path.name, module))
            offenders += [(path.name, name) for name in names if name in PRIVATE_NAMES]
    assert offenders == []


def test_portal_services_open_only_the_portal_unit_of_work():
    for path in PORTAL_SERVICES.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "ctx.uow()" not in source and ".matters." not in source and ".inbox." not in source, path.name


def test_every_public_endpoint_is_a_portal_view_calling_portal_services():
    from api import create_app
    from engine.services import Context
    from engine.store import Database
    from tests.settings import TEST_SETTINGS
    app = create_app({"TESTING": True, "SECRET_KEY": "x"}, context=Context(Database("sqlite://"), TEST_SETTINGS))
    public = [rule for rule in app.url_map.iter_rules() if rule.rule == "/public" or rule.rule.startswith("/public/")]
    assert len(public) > 10
    for rule in public:
        view = app.view_functions[rule.endpoint]
        assert rule.endpoint.startswith("public."), rule
        assert view.__module__ == "api.public.views" or rule.endpoint == "public.static", (rule, view.__module__)
    services = {m for m, _ in _absolute_imports(ROOT / "api" / "public" / "views.py") if m.startswith("engine.services")}
    assert services == {"engine.services.public"}, services


def test_every_service_entry_point_says_what_it_raises():
    """A view calls one service and maps its errors to answers: each entry point (ctx, actor, ...)
    names what it raises (a Raises: section), or says it raises nothing and why."""
    silent = []
    for path in sorted((ROOT / "engine" / "services").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
                    and [a.arg for a in node.args.args][:2] == ["ctx", "actor"]):
                doc = ast.get_docstring(node) or ""
                if not any(words in doc for words in ("Raises:", "Raises nothing", "Raises what")):
                    silent.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert silent == []


def test_every_api_module_imports_first_and_the_command_line_without_flask():
    """Any module of api may be the first one a process imports (the command line, a gunicorn
    worker, a script): none may depend on another import having run before it (a cycle hidden by
    the order api/__init__.py used to import everything in). A command of the command line that
    serves no page loads neither Flask nor the views."""
    import subprocess
    import sys

    modules = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                     for p in (ROOT / "api").rglob("*.py"))
    script = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "api" or m.startswith("api.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
"""
    run = subprocess.run([sys.executable, "-c", script, *modules], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0 and run.stdout.strip() == "", run.stdout + run.stderr[-2000:]
    cli = subprocess.run([sys.executable, "-c", "import sys, api.cli; print(sorted(m for m in sys.modules "
                          "if m.split('.')[0] in ('flask', 'flask_smorest') or m.startswith('api.web')))"],
                         capture_output=True, text=True, cwd=ROOT)
    assert cli.returncode == 0 and cli.stdout.strip() == "[]", cli.stdout + cli.stderr[-2000:]
