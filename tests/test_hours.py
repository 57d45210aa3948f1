"""Service hours: no ETA outside 8 am - 8 pm local time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.domain.hours import day_text, fit, iso_utc, local, next_delivery_day
from tests.test_tracking_fixtures import TZ, local_ts


@pytest.mark.parametrize(
    ("hour", "minute", "expected_hm", "moved", "day"),
    [
        (6, 30, (8, 0), False, 26),  # before opening: the first delivery of the day
        (8, 0, (8, 0), False, 26),
        (14, 10, (14, 10), False, 26),
        (20, 0, (20, 0), False, 26),
        (20, 1, (8, 0), True, 27),  # after closing: tomorrow
        (23, 59, (8, 0), True, 27),
    ],
)
def test_fit_keeps_times_inside_service_hours(hour, minute, expected_hm, moved, day):
    fitted = fit(local_ts(hour, minute), TZ)
    at = local(fitted.at, TZ)
    assert (at.hour, at.minute) == expected_hm
    assert fitted.moved_to_next_day is moved
    assert fitted.day == date(2026, 11, day)


def test_service_hours_follow_daylight_saving_time():
    # 29 March 2026 Helsinki moves from UTC+2 to UTC+3: 8 am is 05:00 UTC, 8 pm 17:00 UTC.
    early = datetime(2026, 3, 29, 6, 0, tzinfo=ZoneInfo(TZ)).timestamp()
    assert iso_utc(fit(early, TZ).at) == "2026-03-29T05:00:00Z"
    late = datetime(2026, 3, 29, 20, 30, tzinfo=ZoneInfo(TZ)).timestamp()
    assert iso_utc(fit(late, TZ).at) == "2026-03-30T05:00:00Z"


def test_next_delivery_day_and_its_text():
    assert next_delivery_day(local_ts(19, 59), TZ) == date(2026, 11, 27)
    assert day_text(date(2026, 11, 27)) == "Fri 27 Nov"


def test_iso_utc_is_z_suffixed():
    assert iso_utc(0) == "1970-01-01T00:00:00Z"
    assert iso_utc(None) is None
