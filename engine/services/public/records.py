"""A village's published records, arranged for the portal's sections.

Only `published_records` rows that are not withdrawn are read (and the documents they list): a
record already holds its fields masked and in words, so nothing here knows an item's field names.
Structured views (a project's name and amount, the asset register) use the keys the definitions
put on fields (engine/disclosure.py KEYS)."""
from __future__ import annotations

from ...disclosure import KEYS, SECTIONS
from ...errors import InvalidData, NotFound
from .catalogue import place_of
from ...vocabulary import quoted
from .views import (AssetDeal, AssetEntry, AssetFact, AssetRegister, DocumentMeta, MatterGroup, OpenPublicity,
                    Overview, PublishedMatter, SearchResults, Section, SectionHits, View, record_view)

RECENT = 10
PAGE_SIZE = 30
SEARCH_LIMIT = 50          # matters a search shows: more words narrow it
MAX_QUERY = 50             # characters
MAX_WORDS = 5
MAX_PAGE = 1_000_000
DEAL_KEYS = ("method", "channel", "counterparty", "reserve_price", "price", "deal_price", "term", "start", "expiry")


def version(ctx, village: str | None = None) -> str:
    """What the pages of a village (None: the directory) are made of, as one short string: its
    records (any change: published, withdrawn, a period opened or closed), the catalogue's newest
    version, the number of units. A page's ETag is this plus the page's own parts."""
    with ctx.portal_uow(readonly=True) as uow:
        count, last = uow.records.version(village)
        return f"{count}.{last.timestamp() if last else 0}.{uow.catalogue.latest_id()}.{uow.orgs.count()}"


def overview(ctx, village: str) -> Overview:
    with ctx.portal_uow(readonly=True) as uow:
        place = place_of(uow, village)
        counts = uow.records.counts(village)
        recent = tuple(record_view(ctx, r) for r in uow.records.recent(village, RECENT))
        open_periods = len(uow.records.open_publicity(village))
    return Overview(village=place, counts={s: counts.get(s, 0) for s in SECTIONS}, recent=recent,
                    open_publicity=open_periods)


def section(ctx, village: str, name: str, page: int = 1, with_records: bool = True) -> Section:
    """The matters of a section, newest first, each with its records in the order they were
    published; `page` pages through matters."""
    if name not in SECTIONS:
        raise NotFound(f"没有{quoted(name)}栏目")
    page = max(1, page)
    with ctx.portal_uow(readonly=True) as uow:         # rows are read into views before the unit of work ends
        place = place_of(uow, village)
        groups, total = _page_of(ctx, uow, village, name, page, with_records)
    pages = max(1, -(-total // PAGE_SIZE))
    return Section(village=place, section=name, section_name=SECTIONS[name], page=page, pages=pages, total=total,
                   matters=tuple(groups))


def _page_of(ctx, uow, village: str, name: str, page: int, with_records: bool = True) -> tuple[list[MatterGroup], int]:
    """One page of a section's matters (paged in the database), grouped with their records (or,
    `with_records=False`, with what a list shows: subject, item, amount, stages)."""
    # A page past any real one (a number no database integer holds, say) is simply empty.
    ids, total = uow.records.matters_in_section(village, name, (min(page, MAX_PAGE) - 1) * PAGE_SIZE, PAGE_SIZE)
    if page > MAX_PAGE:
        ids = []
    if not with_records:
        return _by_matter(ctx, uow.records.summaries_in_section_of(village, name, ids), with_records=False), total
    return _by_matter(ctx, uow.records.in_section_of(village, name, ids)), total


def matter(ctx, village: str, name: str, matter_id: int) -> PublishedMatter:
    """One matter's records in a section, in the order they were published (a project's stages)."""
    with ctx.portal_uow(readonly=True) as uow:
        place = place_of(uow, village)
        groups = _by_matter(ctx, [r for r in uow.records.of_matter(village, matter_id) if r.section == name],
                            cls=PublishedMatter, village=place, section=name, section_name=SECTIONS.get(name, name))
    if not groups:
        raise NotFound(f"没有编号为 {matter_id} 的公开事项")
    return groups[0]


def search(ctx, village: str, query: str) -> SearchResults:
    """The matters of the village whose published records name every word of `query` (split at
    spaces) in their subject, title, item or stage: the first SEARCH_LIMIT, newest first, by
    section. An empty query finds nothing (the page shows its form).

    Raises:
        InvalidData: a query longer than MAX_QUERY characters or of more than MAX_WORDS words.
        NotFound: no such village in the portal.
    """
    query = " ".join((query or "").split())
    if len(query) > MAX_QUERY:
        raise InvalidData("查询词过长", {"q": f"查询词不超过{MAX_QUERY}个字"})
    words = query.split()
    if len(words) > MAX_WORDS:
        raise InvalidData("查询词过多", {"q": f"最多{MAX_WORDS}个词，用空格隔开"})
    with ctx.portal_uow(readonly=True) as uow:
        place = place_of(uow, village)
        found, total = uow.records.matters_matching(village, words, SEARCH_LIMIT) if words else ([], 0)
        by_section: dict[str, list[int]] = {}
        for matter_id, section in found:
            by_section.setdefault(section, []).append(matter_id)
        sections = tuple(SectionHits(name, SECTIONS[name], tuple(_by_matter(
            ctx, uow.records.summaries_in_section_of(village, name, by_section[name]), with_records=False)))
            for name in SECTIONS if name in by_section)
    return SearchResults(village=place, query=query, total=total, shown=len(found), sections=sections)


def assets(ctx, village: str, page: int = 1) -> AssetRegister:
    """The register of the village's collective assets and resources: each asset with what is
    known of it (kind, location, area, value) and each lease, contract-out or disposal of it;
    paged by matters (the newest deals first), PAGE_SIZE at a time."""
    page = max(1, page)
    with ctx.portal_uow(readonly=True) as uow:
        place = place_of(uow, village)
        groups, total = _page_of(ctx, uow, village, "asset", page)
    register: dict = {}
    for group in groups:
        keyed, labels = group.keys, group.key_labels
        identity = keyed.get("asset_no") or keyed.get("asset") or group.subject or f"#{group.matter_id}"
        entry = register.setdefault(identity, {"asset": keyed.get("asset") or group.subject, "facts": {}, "deals": []})
        for key in ("asset_no", "kind", "location", "area", "value"):
            if key in keyed:
                entry["facts"][key] = keyed[key]
        # A deal's terms under the item's own words (承租（承包）方, 合同到期日期), in the register's order.
        deal = {labels[k]: keyed[k] for k in DEAL_KEYS if k in keyed}
        entry["deals"].append(AssetDeal(matter_id=group.matter_id, item_name=group.item_name, terms=deal,
                                        stage=group.records[-1].stage, published_at=group.latest_at))
    entries = [AssetEntry(asset=e["asset"], facts=tuple(AssetFact(KEYS[k], v) for k, v in e["facts"].items()),
                          deals=tuple(e["deals"])) for e in register.values()]
    return AssetRegister(village=place, assets=tuple(sorted(entries, key=lambda e: e.asset or "")), page=page,
                         pages=max(1, -(-total // PAGE_SIZE)), total=total)


def publicity(ctx, village: str) -> OpenPublicity:
    """Every publicity period running in the village, soonest end first, each with its notice."""
    with ctx.portal_uow(readonly=True) as uow:
        place = place_of(uow, village)
        rows = uow.records.open_publicity(village)
        return OpenPublicity(village=place, periods=tuple(record_view(ctx, r) for r in rows))


def document(ctx, village: str, record_id: int, attachment_id: str) -> tuple[DocumentMeta, bytes]:
    """A file a published record lists as public, and nothing else (an id that exists but is not
    listed is not found)."""
    with ctx.portal_uow(readonly=True) as uow:
        record = uow.records.get(record_id)
        listed = next((d for d in record.documents if d["id"] == attachment_id), None) if record else None
        if record is None or record.village_code != village or listed is None:
            raise NotFound("找不到该公开文件")
        row = uow.documents.get(attachment_id)
        if row is None or row.sha256 != listed["sha256"]:
            raise NotFound("找不到该公开文件")
        return DocumentMeta(name=listed["name"], content_type=row.content_type, size=row.size,
                            sha256=row.sha256), uow.documents.content(row.sha256)


def _by_matter(ctx, rows, with_records: bool = True, cls: type[View] = MatterGroup, **extra) -> list:
    """Records grouped by matter (newest matter first), with the values their keys carry (the
    latest record wins) and a headline: the item's own subject before a called process's; each as
    `cls` (a MatterGroup) with the fields it adds."""
    groups: dict = {}
    for row in rows:
        groups.setdefault(row.matter_id, []).append(row)
    found = []
    for matter_id, members in sorted(groups.items(), key=lambda kv: -max(r.id for r in kv[1])):
        members.sort(key=lambda r: r.id)
        keys, labels = {}, {}
        for row in members:
            keys.update({f["key"]: f["text"] for f in row.fields if f.get("key")})
            labels.update({f["key"]: f["label"] for f in row.fields if f.get("key")})
        own = [r.subject for r in members if r.subject and r.source_process == r.process_key]
        subject = (own or [r.subject for r in members if r.subject] or [members[0].item_name])[-1]
        found.append(cls(matter_id=matter_id, item=members[0].process_key, item_name=members[0].item_name,
                         subject=subject, keys=keys, key_labels=labels, amount=keys.get("amount"),
                         stages=tuple(dict.fromkeys(r.stage for r in members)), latest_at=members[-1].published_at,
                         records=tuple(record_view(ctx, r) for r in members) if with_records else None, **extra))
    return found
