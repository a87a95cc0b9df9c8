"""The xiaowei command line, on a fresh SQLite file."""
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from api import cli as cli_module
from api.cli import cli
from api.wiring import build_context
from engine.identity import Grant
from engine.services import Actor, matters
from engine.settings import Settings
from tests.settings import TEST_SETTINGS

from ..conftest import _copy_sqlite
from ..integration.helpers import DELIBERATE, PROPOSE, SEND_PLAN, do


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    # The environment's settings but the tests' password cost: `demo` hashes 64 users' passwords,
    # 7 s at the real cost (tests/settings.py).
    monkeypatch.setattr(cli_module, "_context", lambda: build_context(
        Settings.from_env(password_cost=TEST_SETTINGS.password_cost)))
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, list(args), catch_exceptions=False)
    return invoke


def test_demo_then_list_show_and_verify(run):
    out = run("demo")
    assert out.exit_code == 0 and "lushui_village" in out.output and "new     major_decision" in out.output
    again = run("demo")
    assert "current major_decision" in again.output and "ok  village" in again.output
    listing = run("processes", "list").output
    assert "村级重大决策" in listing and "JC-01" in listing
    shown = run("processes", "show", "major_decision").output
    assert "党员大会审议 [党员大会" in shown and "pm_attendees" in shown
    verify = run("audit", "verify")
    assert verify.exit_code == 0 and json.loads(verify.output)["ok"] is True


def test_worker_once_with_a_given_now_passes_a_publicity_period(run):
    run("demo", "--no-walk")                             # the county and its users: no walked matters needed
    ctx = build_context()
    clerk = Actor("clerk", frozenset(Grant(code, "demo_county") for code in ctx.roles))
    m = matters.start_matter(ctx, clerk, "major_decision", "lushui_village", "修路", {"summary": "x"})
    for step, data in (("propose", PROPOSE), ("deliberate", DELIBERATE), ("send_plan", SEND_PLAN)):
        m = do(ctx, clerk, m, step, data)
    due = m.waiting_timers[0].due
    early = run("worker", "--once", "--now", "2000-01-01T00:00:00")
    assert "0 matters advanced" in early.output
    late = run("worker", "--once", "--now", "2099-01-01T00:00:00+00:00")
    assert f"matter {m.id}: 党员审阅 -> running" in late.output and due < "2099"
    assert matters.get_matter(ctx, clerk, m.id).ready_steps[0].step_id == "review"


def test_bad_arguments_are_explained(run):
    assert "not an ISO time" in run("worker", "--once", "--now", "tomorrow").output
    assert "--now only goes with --once" in run("worker", "--now", "2030-01-01").output


def test_statistics_rebuild_counts_the_tallies_again(run, tmp_path, walked_sqlite_template):
    # The walked demo (the session's walk, tests/conftest.py): its tallies kept as its matters moved.
    walked, _ = walked_sqlite_template
    _copy_sqlite(walked, str(tmp_path / "cli.sqlite3"))
    ctx = build_context()
    query = text("SELECT * FROM assessment_tallies ORDER BY village_code, month, process_key")
    with ctx.uow() as uow:
        kept = uow.session.execute(query).all()
        uow.session.execute(text("DELETE FROM assessment_tallies"))      # as if lost (data written by SQL)
        uow.commit()
    out = run("statistics", "rebuild")
    assert out.exit_code == 0 and json.loads(out.output) == {"rows": len(kept)} and len(kept) > 10
    with ctx.uow(readonly=True) as uow:
        assert uow.session.execute(query).all() == kept


def test_render_draws_a_township_item_and_a_stored_draft_from_the_database(run, tmp_path):
    """`xiaowei render` finds a township's special item (not under processes/) and, with --version,
    any stored version: its own role's lane named, the township's values in words."""
    from pathlib import Path

    from engine.services import definitions, registry
    from engine.services import parameters as township_parameters

    run("demo", "--no-walk")
    ctx = build_context()
    system = Actor.system()
    registry.define_township_role(ctx, system, "qingshan_town", "TOWNSHIP_AGRI_OFFICE", "乡镇农业农村办", "township")
    for name, label, low, high, value in [("tea_subsidy_per_mu", "茶园管护补助标准", 0, 2000, 300),
                                          ("tea_subsidy_publicity_days", "茶园管护补助对象公示天数", 5, 30, 9)]:
        township_parameters.define_township_parameter(ctx, system, "qingshan_town", name, label, "integer", low, high, value)
    example = (Path(__file__).resolve().parents[2] / "docs" / "examples" / "tea_garden_subsidy.bpmn").read_bytes()
    (draft,) = definitions.upload_definition(ctx, system, "qingshan_town", "tea_garden_subsidy.bpmn", example)
    assert run("render", "tea_garden_subsidy", "-o", str(tmp_path / "none.svg")).exit_code == 2   # a draft only
    out = run("render", "tea_garden_subsidy", "--version", str(draft.version_id), "-o", str(tmp_path / "draft.svg"))
    assert out.exit_code == 0, out.output
    svg = (tmp_path / "draft.svg").read_text(encoding="utf-8")
    assert "乡镇农业农村办" in svg and "TOWNSHIP_AGRI_OFFICE" not in svg and "9天" in svg
    definitions.publish_version(ctx, system, "tea_garden_subsidy", draft.version_id)
    out = run("render", "tea_garden_subsidy", "-o", str(tmp_path / "current.pdf"))
    assert out.exit_code == 0 and (tmp_path / "current.pdf").read_bytes().startswith(b"%PDF")
    assert run("render", "no_such_item", "-o", str(tmp_path / "x.svg")).exit_code == 2
