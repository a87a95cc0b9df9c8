"""The lists' pager: "下一页" follows the cursor of the page shown (engine/store/keyset.py), so a
deep page costs what the first one costs and a matter started meanwhile shifts nothing; "上一页"
is the page by number while that is within the first MAX_OFFSET rows, else the first page."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from engine.store.keyset import MAX_OFFSET


@dataclass(frozen=True)
class Pager:
    number: int                  # the page shown; a page read by cursor carries its number in the address
    pages: int | None            # how many there are, when the total is exact
    previous: str | None         # addresses of the page before, the first page, the page after
    first: str | None
    next: str | None

    @property
    def shown(self) -> bool:
        return bool(self.previous or self.first or self.next)


def page_asked(query) -> tuple[int, str | None]:
    """The page number and the cursor an address asks for: the service then reads page 1 after
    the cursor when there is one (the number is only shown), else the page by number."""
    text = query.get("page") or ""
    number = int(text) if text.isdigit() and len(text) < 9 else 1
    return max(number, 1), (query.get("after") or None)


def service_page(number: int, after: str | None) -> int:
    """The page number to give the service: 1 after a cursor (keyset.page_start refuses any other)."""
    return 1 if after else number


def pager(endpoint: str, query, number: int, total, page_size: int, **values) -> Pager:
    """The pager of a list page: `query` the page's own address arguments, `total` the service's
    (a Count with next_cursor), `values` the endpoint's path arguments."""
    args = {k: v for k, v in query.items() if k not in ("page", "after") and v}
    exact = getattr(total, "exact", True)
    pages = max((total + page_size - 1) // page_size, 1) if exact else None
    cursor = getattr(total, "next_cursor", None)
    after = url_for(endpoint, **values, **args, page=number + 1, after=cursor) if cursor else None
    before = first = None
    if number > 1:
        if (number - 2) * page_size < MAX_OFFSET:
            before = url_for(endpoint, **values, **args, **({"page": number - 1} if number > 2 else {}))
        else:
            first = url_for(endpoint, **values, **args)
    return Pager(number, pages if pages is not None and number <= pages else None, before, first, after)
