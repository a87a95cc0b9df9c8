"""The README's "Using the API" example, run as written (bash and curl) against a real server on
the demo county: every call answers without an error, and the matter it starts ends up where the
README says (the council's vote done, with its evidence file, waiting for the township)."""
from __future__ import annotations

import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from api import create_app
from engine.services import Actor, audit, matters
from engine.services.demo import seed_demo

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    section = README.read_text(encoding="utf-8").split("## Using the API", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


@pytest.fixture
def server(ctx):
    seed_demo(ctx, Actor.system())
    httpd = make_server("127.0.0.1", 0, create_app({"TESTING": True}, context=ctx), threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.mark.skipif(shutil.which("curl") is None, reason="the README's example uses curl")
def test_the_readme_curl_example_works_as_written(server, ctx, tmp_path):
    script = readme_example().replace("localhost:8000", server)
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert '"code":4' not in run.stdout and '"code":5' not in run.stdout, run.stdout[-2000:]
    (started,) = matters.list_matters(ctx, Actor.system(), {}, 1, 10)[0]
    matter = matters.get_matter(ctx, Actor.system(), started.id)
    assert [s.step_id for s in matter.ready_steps] == ["establish_review"] * 5     # each 1+N department
    assert matter.data["council_ballots_file"] == [matter.attachments[0].id]
    assert audit.verify_chain(ctx, Actor.system()).ok
