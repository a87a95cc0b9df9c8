"""What a flowchart needs, read from the store: the BPMN text, the parameters in force, the names
of the items it calls and a matter's states. Drawing is the web layer's job (render/), which the
engine never imports."""
from __future__ import annotations

from .access import readable_matter
from .definitions import current_visible, version_source
from .flowchart_views import FlowchartSource, ItemFlowchart, MatterFlowchart
from .parameters import effective_parameters
from .persistence import load_matter


def item_flowchart_source(ctx, actor, key: str) -> ItemFlowchart:
    """The current version's BPMN, the parameters and the called items' names, to draw an item.

    Raises:
        NotFound: no such item, or another township's special item.
    """
    with ctx.uow(readonly=True) as uow:
        version = current_visible(uow, actor, key)
        return ItemFlowchart(bpmn=version.files[version.info["file"]].encode("utf-8"), process_id=key,
                             parameters={name: p.value for name, p in ctx.parameters.items()},
                             process_names=process_names(uow), etag=version.bundle_sha256,
                             role_names=township_role_names(uow, version.owner_org))


def version_flowchart_source(ctx, actor, key: str, version_id: int) -> FlowchartSource:
    """A stored version (a draft too) drawn for its township's administrators, with the township's
    values in force (试运行 and the authoring pages).

    Raises:
        NotFound: no such version of the item, or its township's items are out of the actor's sight.
        Forbidden: the actor is not an administrator of the item's township.
    """
    source = version_source(ctx, actor, key, version_id)
    with ctx.uow(readonly=True) as uow:
        township = source.township
        values = effective_parameters(ctx, uow, township) if township else {n: p.value for n, p in ctx.parameters.items()}
        names = {**process_names(uow), key: source.name}
        return FlowchartSource(bpmn=source.xml.encode("utf-8"), process_id=key, parameters=values,
                               process_names=names, role_names=township_role_names(uow, township))


def township_role_names(uow, township: str | None) -> dict[str, str]:
    """The names of a township's own roles, for its items' lanes (the county's: ctx.roles)."""
    return {code: r.name for code, r in uow.township_roles.of_township(township).items()} if township else {}


def matter_flowchart_source(ctx, actor, matter_id: int) -> MatterFlowchart:
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
        return MatterFlowchart(bpmn=version.files[version.info["file"]].encode("utf-8"), process_id=record.process_key,
                               parameters=parameters, process_names=process_names(uow), states=states,
                               role_names=township_role_names(uow, version.owner_org))


def process_names(uow) -> dict[str, str]:
    """Item key -> its Chinese name, so a call activity or a cited matter is named, never keyed: a
    withdrawn item's too."""
    return uow.definitions.names()
