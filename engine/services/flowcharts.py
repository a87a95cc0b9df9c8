"""What a flowchart needs, read from the store: the BPMN text, the parameters in force, the names
of the items it calls and a matter's states. Drawing is the web layer's job (render/), which the
engine never imports."""
from __future__ import annotations

from .access import readable_matter
from .definitions import current_visible
from .persistence import load_matter


def item_flowchart_source(ctx, actor, key: str) -> dict:
    """The current version's BPMN, the parameters and the called items' names, to draw an item.

    Raises:
        NotFound: no such item, or another township's special item.
    """
    with ctx.uow(readonly=True) as uow:
        version = current_visible(uow, actor, key)
        return {"bpmn": version.files[version.info["file"]].encode("utf-8"), "process_id": key,
                "parameters": {name: p.value for name, p in ctx.parameters.items()},
                "process_names": process_names(uow), "etag": version.bundle_sha256}


def matter_flowchart_source(ctx, actor, matter_id: int) -> dict:
    """A matter's version, its own parameters and the state of each element, to draw its progress.

    Raises:
        NotFound: no such matter, or it is outside the actor's reach (or withheld from them).
    """
    with ctx.uow(readonly=True) as uow:
        record = readable_matter(uow, actor, matter_id)
        version = uow.definitions.get(record.definition_id)
        states = load_matter(ctx, uow, record).element_states()
        # The matter's own copy of the rules, over today's defaults for what it did not copy
        # (the telephones of a matter started before they were parameters).
        parameters = {**{name: p.value for name, p in ctx.parameters.items()}, **(record.params or {})}
        return {"bpmn": version.files[version.info["file"]].encode("utf-8"), "process_id": record.process_key,
                "parameters": parameters, "process_names": process_names(uow), "states": states}


def process_names(uow) -> dict[str, str]:
    """Item key -> its Chinese name, so a call activity is named, never keyed."""
    return {version.process_key: version.name for version in uow.definitions.list_current()}
