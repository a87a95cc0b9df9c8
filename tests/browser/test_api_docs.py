"""/api/docs in Debian's Chromium with every outside host cut off: Swagger UI comes from the app
(the swagger-ui-bundle package), starts under the app's Content-Security-Policy, lists the
operations, offers the bearer-token login, and asks nothing of any other host."""
from __future__ import annotations

from urllib.parse import urlsplit


def test_the_api_docs_work_without_internet(site, browser, screenshots):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside, problems = [], []
    ours = urlsplit(site.url).netloc

    def only_this_server(route):
        if urlsplit(route.request.url).netloc == ours:
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()
    context.route("**/*", only_this_server)
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{site.url}/api/docs")
    page.get_by_text("/api/v1/instances/{instance_id}", exact=True).first.wait_for(timeout=20_000)
    assert page.locator("button.authorize").count() == 1          # bearerAuth from securitySchemes
    page.screenshot(path=str(screenshots / "api-docs.png"))
    context.close()
    assert outside == [] and problems == []
