"""What a flowchart needs, read from the store: the BPMN text, parameters and a matter's states.
Drawing is the web layer's job (render/), which the engine never imports."""
from __future__ import annotations

from .access import visible_matter
from .definitions import current_visible
from .persistence import load_matter


def item_flowchart_source(ctx, actor, key: str) -> dict:
    with ctx.uow(readonly=True) as uow:
        version = current_visible(uow, actor, key)
        return {"bpmn": version.files[version.info["file"]].encode("utf-8"), "process_id": key,
                "parameters": {name: p.value for name, p in ctx.parameters.items()},
                "etag": version.bundle_sha256}


def matter_flowchart_source(ctx, actor, matter_id: int) -> dict:
    with ctx.uow(readonly=True) as uow:
        record = visible_matter(uow, actor, matter_id)
        version = uow.definitions.get(record.definition_id)
        states = load_matter(ctx, uow, record).element_states()
        return {"bpmn": version.files[version.info["file"]].encode("utf-8"), "process_id": record.process_key,
                "parameters": record.params, "states": states}
