"""How the notice board sheet says when a publicity ends (render/board.py)."""
from datetime import datetime, timedelta, timezone

import pytest

from render.board import period_end_words

BEIJING = timezone(timedelta(hours=8))


@pytest.mark.parametrize("ends, words", [
    (datetime(2026, 3, 11, 0, 0, tzinfo=BEIJING), "2026-03-10 24:00"),         # a period in days: its last day's end
    (datetime(2026, 3, 10, 16, 0, tzinfo=timezone.utc), "2026-03-10 24:00"),    # stored in UTC
    (datetime(2026, 3, 10, 10, 30, tzinfo=BEIJING), "2026-03-10 10:30"),
    (None, ""),
])
def test_a_publicity_end_reads_as_its_last_days_24_00(ends, words):
    assert period_end_words(ends) == words
