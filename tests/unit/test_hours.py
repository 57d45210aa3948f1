"""Service hours: no ETA outside 8 am - 8 pm local time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.domain.hours import day_text, fit, iso_utc, local, next_delivery_day
from tests.support.tracking import TZ, local_ts


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


# The fast paths (cached day spans, arithmetic ISO text) must say exactly what the plain
# conversions say, including around DST changes and in zones whose midnight falls in a gap.
_ZONES = ["Europe/Helsinki", "America/Santiago", "America/Havana", "Asia/Beirut",
          "Australia/Lord_Howe", "Pacific/Chatham", "UTC", "America/St_Johns"]


@pytest.mark.parametrize("tz", _ZONES)
def test_local_day_matches_the_zone_conversion_for_every_half_hour_of_a_year(tz):
    from app.domain.hours import local_day

    start = datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC")).timestamp()
    for k in range(0, 366 * 48):
        ts = start + k * 1800 + (k % 7) * 13.7  # not only on the half hour
        assert local_day(ts, tz) == local(ts, tz).date(), (tz, ts)
        # and back in time: the cached span must not answer for an earlier day
        back = ts - 86400 * (k % 3)
        assert local_day(back, tz) == local(back, tz).date(), (tz, back)


def test_iso_utc_matches_strftime_including_rounding_and_negative_times():
    import random

    rng = random.Random(7)
    samples = [0, 0.5, 1.5, -0.5, -1, -86400.4, 86399.5, 4102444799.6, 1795000000.49]
    samples += [rng.uniform(-3e9, 5e9) for _ in range(20000)]
    for ts in samples:
        expected = datetime.fromtimestamp(round(ts), ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert iso_utc(ts) == expected, ts


@pytest.mark.parametrize("ts", [253402300800.0, -62135596800.0, 1e300, -1e300,
                                float("inf"), float("-inf"), float("nan"), None])
@pytest.mark.parametrize("tz", ["Europe/Helsinki", "Pacific/Kiritimati", "Etc/GMT+12"])
def test_every_conversion_is_total_for_absurd_stored_times(ts, tz):
    # Text says "unknown"; arithmetic clamps into years datetime holds (issue 21, class 2).
    from app.domain.arrival import arrival
    from app.domain.hours import UNKNOWN_CLOCK, clock_text, latest

    assert iso_utc(ts) is None
    assert latest(ts, 1795000000.0) == 1795000000.0 and latest(ts) is None
    if ts is None:
        return
    assert clock_text(ts, tz) == UNKNOWN_CLOCK
    assert isinstance(local(ts, tz), datetime) and isinstance(next_delivery_day(ts, tz), date)
    assert fit(ts, tz).at < float("inf")  # a number, however absurd the input
    assert arrival(ts, ts, tz)["text"]


@pytest.mark.parametrize("times, expected", [
    ((1.0, 2), 2), ((2, 1.0), 2), ((1, 1.0), 1), ((1.0, 1), 1.0), ((True, 5.0), 5.0),
    ((float("nan"), None), None), ((3.0, float("nan")), 3.0), ((1e300, 7), 7)])
def test_latest_of_two_is_the_max_of_the_sane_ones(times, expected):
    from app.domain.hours import latest

    got = latest(*times)
    assert got == expected and type(got) is type(expected)
