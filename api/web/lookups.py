"""Names a page shows beside codes (items, villages, form fields), read once per request.

Each is a read-only service call; pages combine them with their one main call, so the views stay
one call plus rendering."""
from __future__ import annotations

from flask import g

from engine.services import definitions, identity, orgs
from engine.services.definition_views import CatalogueGroup, ProcessView
from engine.services.people_views import UnitView
from engine.services.views import EventView

from ..rest import ctx
from .session import web_actor


def _cached(name: str, load):
    cache = g.setdefault("web_lookups", {})
    if name not in cache:
        cache[name] = load()
    return cache[name]


def people(usernames) -> dict[str, str]:
    """{login name: display name} for `usernames`, remembered for the rest of the request."""
    known = g.setdefault("web_people", {})
    missing = {u for u in usernames if u and u not in known}
    if missing:
        known.update(identity.display_names(ctx(), missing))
    return {u: known.get(u, u) for u in usernames if u}


def person(username) -> str:
    """The `person` filter: pages show people's names, never their login names."""
    return people([username]).get(username, "") if username else ""


def item_name(key) -> str:
    """The `item_name` filter: an item's Chinese name for its key (withdrawn items too; the key only if none is stored)."""
    return item_names(web_actor()).get(key, key)


def catalogue(actor) -> list[CatalogueGroup]:
    """The power list the actor sees, grouped by category."""
    return _cached("catalogue", lambda: definitions.list_processes(ctx(), actor))


def startable(actor) -> list[CatalogueGroup]:
    """The catalogue of what the actor may start, each item with the villages it may start it in."""
    return _cached("startable", lambda: definitions.startable_processes(ctx(), actor))


def start_villages(actor, key: str) -> list[dict]:
    """The villages (code, name) where the actor may start `key`, by name."""
    codes = next((i.villages for g in startable(actor) for i in g.items if i.key == key), ())
    names = unit_names(actor)
    return sorted(({"code": c, "name": names.get(c, c)} for c in codes), key=lambda v: v["name"])


def item_names(actor) -> dict[str, str]:
    """Names to label matters with (not a catalogue: a withdrawn item's name too, whose matters
    still run; the actor sees only matters of their reach)."""
    return _cached("item_names", lambda: definitions.item_names(ctx()))


def units(actor) -> dict[str, UnitView]:
    return _cached("units", lambda: {u.code: u for u in orgs.list_units(ctx(), actor)})


def unit_names(actor) -> dict[str, str]:
    return {code: unit.name for code, unit in units(actor).items()}


def assignable_units(actor) -> list[UnitView]:
    """Townships and villages in the actor's view, by name: where a warning can be 交办."""
    found = [u for u in units(actor).values() if u.level in ("township", "village")]
    return sorted(found, key=lambda u: (u.level != "township", u.parent_code or "", u.name))


def my_villages(actor) -> list[UnitView]:
    """Villages the actor's grants reach (a grant reaches its unit and every unit below it)."""
    everything = units(actor)

    def lineage(code):
        while code:
            yield code
            code = everything[code].parent_code if code in everything else None
    return [u for u in everything.values() if u.level == "village" and actor.reaches(list(lineage(u.code)))]


def processes(actor, process_key: str) -> list[ProcessView]:
    """An item and every process it calls (get_process of each), read once per request."""
    def load():
        found, keys, seen = [], [process_key], set()
        while keys:
            key = keys.pop()
            seen.add(key)
            found.append(definitions.get_process(ctx(), actor, key))
            keys.extend(k for k in found[-1].calls if k not in seen)
        return found
    return _cached(f"processes:{process_key}", load)


def form_fields(actor, process_key: str) -> dict[str, dict]:
    """Every form field of an item and of the processes it calls, by name: labels, types, options."""
    found = {}
    for item in processes(actor, process_key):
        for field in [*item.start_form, *(f for step in item.steps for f in step["form"])]:
            found.setdefault(field["name"], field)
    return found


def step_forms(actor, process_key: str) -> dict[tuple[str, str], dict[str, dict]]:
    """{(process key, step id): {field name: field}} for an item and the processes it calls."""
    return {(item.key, step["id"]): {f["name"]: f for f in step["form"]}
            for item in processes(actor, process_key) for step in item.steps}


def fields_as_collected(actor, process_key: str, history: list[EventView]) -> dict[str, dict]:
    """The item's fields, each labelled as the step that last collected it says: a contractor
    chosen by quotes is the 成交单位, one chosen by tender the 中标单位."""
    fields, forms = dict(form_fields(actor, process_key)), step_forms(actor, process_key)
    for event in history:
        payload = event.payload or {}
        if event.event == "step_completed":
            form = forms.get((payload.get("process_key"), payload.get("step")), {})
            fields.update({name: form[name] for name in payload.get("data") or {} if name in form})
    return fields

