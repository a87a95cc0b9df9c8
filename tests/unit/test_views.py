"""Services answer frozen views (issue 18, item 4: typed boundaries), not ORM rows or loose dicts.

The entry points of the converted families are annotated to return frozen, slotted dataclasses (or
a list or tuple of them; a page: the list and its total), checked here from their annotations so a
new entry point, or one changed back to a dict, fails. The views themselves are no mapping: a caller
reads `m.status`, never `m["status"]`, so the loose-dict contract cannot come back unnoticed."""
from __future__ import annotations

import dataclasses
import inspect
import types
import typing

import pytest

from engine.services import dossiers, incidents, matters, preview, views
from engine.store.models import Base

# The modules whose every entry point (a public fn(ctx, actor, ...)) answers views.
CONVERTED = (matters, preview, dossiers, incidents)


def entry_points(module) -> list:
    return [fn for name, fn in vars(module).items()
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_")
            and list(inspect.signature(fn).parameters)[:2] == ["ctx", "actor"]]


def is_view(cls) -> bool:
    return (isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen
            and "__slots__" in vars(cls) and not hasattr(cls, "__getitem__"))


def answers_views(hint) -> bool:
    """A view; a list or tuple of views; a page (list of views, total); or a view or None."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is None:
        return is_view(hint)
    if origin is tuple and len(args) == 2 and args[1] is int:
        return answers_views(args[0])
    if origin in (list, tuple):
        return all(answers_views(a) for a in args if a is not Ellipsis)
    if origin in (typing.Union, types.UnionType):
        return all(a is type(None) or answers_views(a) for a in args)
    return False


def test_the_converted_modules_have_the_entry_points_we_expect():
    """The check below cannot pass by finding nothing."""
    found = {fn.__name__ for module in CONVERTED for fn in entry_points(module)}
    assert {"start_matter", "complete_step", "claim_step", "release_step", "reassign_step", "cancel_matter",
            "get_matter", "list_matters", "matter_history", "list_tasks", "get_task", "start_preview",
            "complete_preview_step", "advance_preview_timer", "preview_page", "preview_matters",
            "matter_dossier", "retry_matter", "list_incidents"} <= found


@pytest.mark.parametrize("fn", [fn for module in CONVERTED for fn in entry_points(module)],
                         ids=lambda fn: f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}")
def test_every_entry_point_is_annotated_to_answer_frozen_views(fn):
    hint = typing.get_type_hints(fn).get("return")
    assert hint is not None, f"{fn.__name__} has no return annotation"
    assert answers_views(hint), f"{fn.__name__} answers {hint}, not frozen views"


def test_the_answers_checker_refuses_dicts_and_rows():
    assert not answers_views(dict) and not answers_views(tuple[list[dict], int]) and not answers_views(typing.Any)
    assert not answers_views(Base) and not answers_views(views.MatterView | dict)
    assert answers_views(tuple[list[views.MatterSummary], int]) and answers_views(views.StartedMatter | None)


VIEWS = [cls for cls in vars(views).values() if isinstance(cls, type) and dataclasses.is_dataclass(cls)]


@pytest.mark.parametrize("cls", VIEWS, ids=lambda cls: cls.__name__)
def test_a_view_is_frozen_slotted_no_mapping_and_holds_no_orm_row(cls):
    assert is_view(cls)
    for name, hint in typing.get_type_hints(cls).items():
        named = [hint, *_nested(hint)]
        assert not any(isinstance(t, type) and issubclass(t, Base) for t in named), (cls.__name__, name)


def _nested(hint):
    for arg in typing.get_args(hint):
        yield arg
        yield from _nested(arg)


def test_a_view_cannot_be_changed_or_read_as_a_dict():
    step = views.TimerView(element="notice_period", name="公示期", due="2026-03-09T01:00:00+00:00")
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.name = "x"
    with pytest.raises(TypeError):
        step["name"]  # noqa: B018 - the subscript is what is tested
    assert dataclasses.asdict(step) == {"element": "notice_period", "name": "公示期",
                                        "due": "2026-03-09T01:00:00+00:00", "held": False}
