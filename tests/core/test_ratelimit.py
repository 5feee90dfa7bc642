"""The database rate limiter: one attempt or several at once, refusals not counted, old rows dropped."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from gongkai.core import ratelimit
from gongkai.core.models import RateEvent

HOUR = datetime.timedelta(hours=1)
START = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


def test_hit_counts_until_the_limit_and_a_refusal_is_not_counted() -> None:
    with time_machine.travel(START, tick=False):
        assert [ratelimit.hit("s", "k", limit=3, window=HOUR) for _ in range(5)] == [True] * 3 + [False] * 2
        assert ratelimit.count("s", "k", window=HOUR) == 3
        assert ratelimit.hit("s", "other", limit=3, window=HOUR)  # another key counts on its own


def test_take_counts_several_at_once_and_says_when_to_retry() -> None:
    with time_machine.travel(START, tick=False) as clock:
        assert ratelimit.take("files", "k", 4, limit=5, window=HOUR) is None
        clock.shift(datetime.timedelta(minutes=10))
        retry = ratelimit.take("files", "k", 2, limit=5, window=HOUR)
        # Refused whole: none of the two counted; one more fits once the first four leave the window.
        assert ratelimit.count("files", "k", window=HOUR) == 4
        assert retry == START + HOUR
        assert ratelimit.take("files", "k", 1, limit=5, window=HOUR) is None


def test_rows_past_the_retention_are_dropped_now_and_then() -> None:
    old = timezone.now() - ratelimit.RETENTION - HOUR
    RateEvent.objects.bulk_create([RateEvent(scope="s", key="old", at=old) for _ in range(3)])
    for _ in range(100):  # one of the next hundred ids is a multiple of 100
        ratelimit.hit("s", "new", limit=1000, window=HOUR)
    assert not RateEvent.objects.filter(key="old").exists()
    assert RateEvent.objects.filter(key="new").count() == 100
