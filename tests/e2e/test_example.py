"""examples/drive_project.py against a real HTTP server (werkzeug, in a thread)."""
import io
import threading

import pytest
from werkzeug.serving import make_server

from api import create_app
from engine.services import Actor
from engine.services.demo import seed_demo
from examples.drive_project import drive


@pytest.fixture
def server(ctx, monkeypatch):
    seed_demo(ctx, Actor.system())          # the demo users the example logs in as
    # The example lets publicity periods pass by running `xiaowei worker`, which must reach the
    # same database as the server.
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", ctx.database.url)
    httpd = make_server("127.0.0.1", 0, create_app({"TESTING": True}, context=ctx), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.mark.parametrize("amount, first_step", [(80000, "村民议事会表决"), (150000, "提议")])
def test_the_example_drives_a_project_to_its_end(server, amount, first_step):
    out = io.StringIO()
    matter = drive(server, amount, "lushui_village", out=out)
    printed = out.getvalue()
    assert matter["status"] == "completed" and matter["outcome"] == "完成"
    assert f" 1. {first_step}" in printed and "“1+N”联合监管检查（乡镇纪委）" in printed
    assert "等待「工程项目结果公示」" in printed and "审计链" in printed and "完整" in printed
