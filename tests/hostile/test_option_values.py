"""Issue 9 item 5: an object or a list where an option value is expected is invalid data naming
the field (it was a TypeError: a dict is unhashable), and nothing changes."""
from __future__ import annotations

import pytest

from .conftest import CLERK, PROJECT, api, assert_error_shape, assert_unchanged, snapshot


@pytest.mark.parametrize("value", [{"a": 1}, ["higher_level"], [], 1, True])
def test_an_object_or_list_for_an_option_is_invalid_data_naming_the_field(app, matter, value):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    body = {"process_key": "village_project", "village": "lushui_village", "subject": "通组道路",
            "data": {**PROJECT, "funding_source": value}}
    answer = assert_error_shape(api(app, CLERK).post("/api/v1/instances", json=body), 422)
    assert set(answer["errors"]) == {"funding_source"}
    assert_unchanged(ctx, before)


