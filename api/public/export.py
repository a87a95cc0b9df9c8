"""`xiaowei portal export DIR --county NAME`: one county's whole portal as static files.

The export asks the portal itself for its pages (the app's test client, no server, no network),
starting at the county's directory page and following the pages' own links within the county's
villages, so the files are exactly what /public answers. Every link is rewritten relative (a page
at lushui_village/projects/index.html links ../board/2026-11/index.html), so a 公开查询终端 opens the
folder from disk, and a mirror serves it with any web server, without the database. What a static
copy cannot do (filing an objection, searching, typing a code) points to the online portal instead.
`manifest.json` lists every file with its sha256, so a mirror can be checked against the export.
"""
from __future__ import annotations

import hashlib
import json
import mimetypes
import posixpath
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK = re.compile(r'(href|src|action)="([^"]*)"')
FORM = re.compile(r"<form\b.*?</form>", re.S)
EXTENSIONS = {"text/html": ".html", "image/svg+xml": ".svg", "text/css": ".css", "application/json": ".json"}
MAX_FILES = 200_000


class Exporter:
    def __init__(self, app, county: str, public_url: str):
        self.client = app.test_client()
        self.county, self.public_url = county, public_url.rstrip("/")
        self.pages: dict[str, tuple] = {}           # url -> (file path, mimetype, bytes)

    def run(self, target: Path) -> dict:
        start = f"/public?county={self.county}"
        directory = self.client.get(f"/public/api/villages?county={self.county}")
        if directory.status_code != 200:
            raise LookupError(f"没有名为 {self.county} 的县")
        county = directory.json["counties"][0]
        self.villages = {v["code"] for t in county["children"] for v in t["children"]}
        self.start = start
        self._crawl(start)
        self.pages["/public"] = self.pages[start][:2] + (None,)    # the brand and 全部村 links: this county
        return self._write(Path(target), county)

    # -- which addresses belong to the export -------------------------------------------------
    def _wanted(self, url: str) -> bool:
        path = urlsplit(url).path
        parts = path.strip("/").split("/")
        if path.startswith(("/public/assets/", "/assets/")) or path in ("/public/anchors", "/public/verify"):
            return True
        if len(parts) >= 3 and parts[:2] == ["public", "verify"]:
            return True
        return len(parts) >= 2 and parts[0] == "public" and parts[1] in self.villages

    def _crawl(self, start: str) -> None:
        todo = [start]
        while todo and len(self.pages) < MAX_FILES:
            url = todo.pop()
            if url in self.pages:
                continue
            response = self.client.get(url)
            if response.status_code != 200:
                continue                  # a link the portal itself would answer with an error
            body = response.get_data()
            self.pages[url] = (self._file_for(url, response), response.mimetype, body)
            if response.mimetype == "text/html":
                for _, link in LINK.findall(body.decode("utf-8")):
                    link = link.replace("&amp;", "&").split("#")[0]
                    if link.startswith("/") and self._wanted(link) and link not in self.pages:
                        todo.append(link)

    def _file_for(self, url: str, response) -> str:
        """Where an address is written: pages as <path>/index.html, files under their own path."""
        if url == getattr(self, "start", None):
            return "index.html"
        parts = urlsplit(url)
        path = unquote(parts.path)
        path = path[len("/public"):] if path == "/public" or path.startswith("/public/") else "/_site" + path
        if parts.query and not path.startswith(("/assets/", "/_site/")):
            path += "/" + re.sub(r"[^0-9A-Za-z=_-]+", "_", parts.query)
        if response.mimetype == "text/html":
            return posixpath.join(path.strip("/"), "index.html") if path.strip("/") else "index.html"
        name = path.strip("/")
        if not posixpath.splitext(name)[1]:
            disposition = response.headers.get("Content-Disposition", "")
            found = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", disposition)
            extension = posixpath.splitext(unquote(found.group(1)))[1] if found else ""
            extension = extension or EXTENSIONS.get(response.mimetype) or mimetypes.guess_extension(response.mimetype)
            name += "/file" + (extension or "")
        return name

    # -- writing ------------------------------------------------------------------------------
    def _write(self, target: Path, county: dict) -> dict:
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        files = {}
        for url, (name, mimetype, body) in sorted(self.pages.items()):
            if body is None:
                continue                  # an alias of another address
            if mimetype == "text/html":
                body = self._rewrite(name, body.decode("utf-8")).encode("utf-8")
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
            files[name] = {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body), "from": url}
        manifest = {"county": county["name"], "county_code": county["code"], "villages": sorted(self.villages),
                    "exported_at": datetime.now(timezone.utc).isoformat(), "online": self.public_url + "/public",
                    "files": files}
        (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        return {"files": len(files), "pages": sum(1 for n in files if n.endswith(".html")),
                "bytes": sum(f["size"] for f in files.values()), "villages": len(self.villages)}

    def _rewrite(self, name: str, html: str) -> str:
        here = posixpath.dirname(name)
        online = self.public_url

        def link(match):
            attribute, value = match.groups()
            url, _, fragment = value.replace("&amp;", "&").partition("#")
            if not url.startswith("/"):
                return match.group(0)
            if url in self.pages:
                relative = posixpath.relpath(self.pages[url][0], here or ".")
                return f'{attribute}="{relative}{"#" + fragment if fragment else ""}"'
            return f'{attribute}="{online}{value}"'      # not in the copy: the online portal
        html = FORM.sub(lambda m: (f'<p class="card hint">离线版不能在此提交或查询，请访问网上公开平台：'
                                   f'<a href="{online}/public">{online}/public</a></p>'), html)
        return LINK.sub(link, html)


def export_county(app, county: str, target: Path, public_url: str) -> dict:
    return Exporter(app, county, public_url).run(target)
