"""`xiaowei portal export DIR --county NAME`: the whole portal of one county as static files, on
SQLite and PostgreSQL. Every page of the county's villages is there with its links relative and
resolving to a file of the copy, nothing outside the county, no form (a copy cannot take an
objection), the manifest's hashes match the files, and no personal number is in any file."""
from __future__ import annotations

import hashlib
import json
import posixpath
import re

import pytest

from click.testing import CliRunner

from api import create_app
from api.cli import cli
from api.public.export import export_county
from engine.services import Context
from tests.e2e.public_helpers import pdf_text, personal_numbers
from tests.settings import TEST_SETTINGS

LINK = re.compile(r'(?:href|src|action)="([^"]*)"')


def test_the_export_is_the_countys_portal_with_relative_links_and_nothing_private(walked_db, tmp_path):
    ctx = Context(walked_db, TEST_SETTINGS)
    app = create_app({"TESTING": True, "SECRET_KEY": "export-test"}, context=ctx)
    done = export_county(app, "示范县", tmp_path / "portal", "https://xw.example.cn")
    root = tmp_path / "portal"
    files = {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}
    assert done["villages"] == 3 and done["pages"] > 100 and "index.html" in files
    for expected in ("lushui_village/index.html", "lushui_village/projects/index.html", "lushui_village/publicity/index.html",
                     "lushui_village/power-list/dibao/index.html", "lushui_village/power-list/dibao/flowchart.svg",
                     "anchors/index.html", "assets/portal.css", "_site/assets/site.css"):
        assert expected in files, expected
    assert any(n.startswith("lushui_village/board/") for n in files) and any(n.startswith("verify/") for n in files)
    assert any(n.startswith("lushui_village/documents/") and n.endswith(".pdf") for n in files)

    manifest = json.loads(files["manifest.json"].read_text(encoding="utf-8"))
    assert manifest["county"] == "示范县" and set(manifest["files"]) == set(files) - {"manifest.json"}
    leaks = []
    for name, path in files.items():
        data = path.read_bytes()
        if name != "manifest.json":
            assert hashlib.sha256(data).hexdigest() == manifest["files"][name]["sha256"], name
        shown = pdf_text(data) if data.startswith(b"%PDF") and b"NotoSans" in data else data.decode("utf-8", errors="replace")
        leaks += [(name, *found) for found in personal_numbers(shown)]
        if not name.endswith(".html"):
            continue
        html = data.decode("utf-8")
        assert "<form" not in html, name
        for link in LINK.findall(html):
            if link.startswith(("data:", "https://xw.example.cn", "#")):
                continue
            assert not link.startswith("/"), (name, link)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), link.split("#")[0]))
            assert target in files, (name, link)
    assert leaks == []
    assert all(any(n.startswith(f"{v}/") for n in files) for v in ("lushui_village", "taohua_village", "hongqi_village"))
    assert "离线版不能在此提交" in files["lushui_village/publicity/index.html"].read_text(encoding="utf-8")


@pytest.mark.parametrize("walked_db", ["sqlite"], indirect=True)    # the CLI reads XIAOWEI_DATABASE_URL: once is enough
def test_xiaowei_portal_export(walked_db, tmp_path, monkeypatch):
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", walked_db.url)
    run = CliRunner().invoke(cli, ["portal", "export", str(tmp_path / "out"), "--county", "示范县"])
    assert run.exit_code == 0 and "3 villages" in run.output, run.output
    assert (tmp_path / "out" / "index.html").exists()
    refused = CliRunner().invoke(cli, ["portal", "export", str(tmp_path / "none"), "--county", "无此县"])
    assert refused.exit_code != 0 and "没有名为 无此县 的县" in refused.output
