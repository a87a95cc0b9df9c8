"""Names a page shows beside codes (items, villages, form fields), read once per request.

Each is a read-only service call; pages combine them with their one main call, so the views stay
one call plus rendering."""
from __future__ import annotations

from flask import g

from engine.services import definitions, orgs

from ..rest import ctx


def _cached(name: str, load):
    cache = g.setdefault("web_lookups", {})
    if name not in cache:
        cache[name] = load()
    return cache[name]


def catalogue(actor) -> list[dict]:
    """The power list the actor sees, grouped by category."""
    return _cached("catalogue", lambda: definitions.list_processes(ctx(), actor))


def item_names(actor) -> dict[str, str]:
    return {item["key"]: item["name"] for group in catalogue(actor) for item in group["items"]}


def units(actor) -> dict[str, dict]:
    return _cached("units", lambda: {u["code"]: u for u in orgs.list_units(ctx(), actor)})


def unit_names(actor) -> dict[str, str]:
    return {code: unit["name"] for code, unit in units(actor).items()}


def my_villages(actor) -> list[dict]:
    """Villages the actor's grants reach (a grant reaches its unit and every unit below it)."""
    everything = units(actor)

    def lineage(code):
        while code:
            yield code
            code = everything[code]["parent_code"] if code in everything else None
    return [u for u in everything.values() if u["level"] == "village" and actor.reaches(list(lineage(u["code"])))]


def form_fields(actor, process_key: str) -> dict[str, dict]:
    """Every form field of an item and of the processes it calls, by name: labels, types, options."""
    def load():
        found, keys, seen = {}, [process_key], set()
        while keys:
            key = keys.pop()
            seen.add(key)
            item = definitions.get_process(ctx(), actor, key)
            for field in item["start_form"] + [f for step in item["steps"] for f in step["form"]]:
                found.setdefault(field["name"], field)
            keys.extend(k for k in item["calls"] if k not in seen)
        return found
    return _cached(f"fields:{process_key}", load)
