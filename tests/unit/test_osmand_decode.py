"""The phone door's parsing, request by request, as Traccar's OsmAndProtocolDecoder reads it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.web.osmand.decode import KNOT, BadFix, from_form, from_json, timestamp

NOW = 1_764_700_000.0
DEVICE = "dvA1b2C3d4E5f6G7h8I9j0kL"


def now() -> float:
    return NOW


def form(**params) -> dict[str, str]:
    return {"id": DEVICE, **{k: str(v) for k, v in params.items()}}


@pytest.mark.parametrize("params", [
    form(timestamp=1764699990, batt=64, charge="true", battery_health="good"),  # SDK heartbeat
    form(cell="244,91,1234,5678"),  # only cell data
    form(wifi="00-11-22-33-44-55,-70"),  # only wifi data
    form(timestamp=1764699990),
], ids=["sdk heartbeat", "cell only", "wifi only", "id and time"])
def test_a_request_with_no_location_is_a_heartbeat_not_an_error(params):
    report = from_form(params, now)
    assert report.device == DEVICE and report.fixes == [] and report.invalid == 0


def test_a_heartbeat_says_how_the_phone_is():
    report = from_form(form(timestamp=1764699990, batt=64, charge="true"), now)
    assert (report.battery, report.charging) == (64.0, True)
    assert (from_form(form(batt=-1), now).battery, from_form(form(), now).charging) == (None, None)


@pytest.mark.parametrize("batt", ["full", "101", "-1", "", "NaN", "1e400"])
def test_a_battery_the_phone_cannot_say_is_unknown_never_a_refusal(batt):
    """A 400 would make the phone resend the whole fix for ever over a field only shown."""
    report = from_form(form(lat=60.1, lon=24.9, timestamp=1764699990, batt=batt), now)
    assert len(report.fixes) == 1 and report.battery is None


@pytest.mark.parametrize("params, field", [
    (form(lat=60.1), "lon"),  # half a location is a broken fix, not a heartbeat
    (form(lon=24.9), "lat"),
    (form(location="60.1"), "location"),
    ({"lat": "60.1", "lon": "24.9"}, "id"),
])
def test_a_broken_fix_still_names_its_field(params, field):
    with pytest.raises(BadFix) as err:
        from_form(params, now)
    assert err.value.field == field


@pytest.mark.parametrize("valid, kept", [
    (None, True), ("true", True), ("TRUE", True), ("1", True),
    ("false", False), ("0", False), ("no", False), ("", False),
])
def test_valid_false_keeps_the_fix_off_the_route(valid, kept):
    params = form(lat=60.1, lon=24.9, timestamp=1764699990)
    if valid is not None:
        params["valid"] = valid
    report = from_form(params, now)
    assert (len(report.fixes), report.invalid) == ((1, 0) if kept else (0, 1))


def test_kotlin_and_printf_number_formats_are_read():
    """The SDK writes Kotlin's Double.toString (`1.0E-4`), old iOS `%g` (`1e+06`)."""
    report = from_form(form(lat="1.0E-4", lon="-0.5", speed="1e+01", bearing="3.6E2",
                            timestamp=1764699990), now)
    [fix] = report.fixes
    assert (fix.lat, fix.lon, fix.speed, fix.heading) == (1e-4, -0.5, 10 * KNOT, 0.0)


def test_a_time_without_a_zone_is_read_in_phone_timezone():
    """Traccar reads `yyyy-MM-dd HH:mm:ss` in its server's zone; here PHONE_TIMEZONE (UTC by
    default, as in Traccar's Docker image)."""
    utc = datetime(2026, 11, 26, 9, 0, 30, tzinfo=UTC).timestamp()
    assert timestamp("2026-11-26 09:00:30", now) == utc
    assert timestamp("2026-11-26 11:00:30", now, ZoneInfo("Europe/Helsinki")) == utc
    # A time that names its zone is read as it says, whatever PHONE_TIMEZONE is.
    assert timestamp("2026-11-26T09:00:30Z", now, ZoneInfo("Europe/Helsinki")) == utc
    assert timestamp("1764146430", now) == timestamp("1764146430000", now) == 1764146430.0


def test_json_location_without_coords_is_a_heartbeat_with_the_battery():
    body = {"device_id": DEVICE, "location": {
        "timestamp": "2026-12-02T18:26:30.000Z", "event": "heartbeat", "is_moving": False,
        "battery": {"level": 0.85, "is_charging": True}}}
    report = from_json(body, {}, now)
    assert report.fixes == [] and (report.battery, report.charging) == (85.0, True)
    assert from_json({"device_id": DEVICE}, {}, now).fixes == []  # no location at all


def test_json_batch_takes_the_fixes_and_the_latest_battery():
    loc = {"timestamp": "2026-12-02T18:26:30.000Z", "coords": {
        "latitude": 60.1, "longitude": 24.9, "speed": -1, "heading": -1, "accuracy": 5},
        "battery": {"level": 0.5, "is_charging": False}}
    later = {**loc, "timestamp": "2026-12-02T18:27:00.000Z",
             "battery": {"level": -1, "is_charging": False}}
    report = from_json({"device_id": DEVICE, "location": [loc, {"event": "heartbeat"}, later]},
                       {}, now)
    t = datetime(2026, 12, 2, 18, 26, 30, tzinfo=UTC).timestamp()
    assert [f.timestamp for f in report.fixes] == [t, t + 30]
    assert report.fixes[0].speed is None and report.fixes[0].heading is None
    assert (report.battery, report.charging) == (50.0, False)  # the latest that knew
    assert report.entries == 3  # the heartbeat in the list costs work too


@pytest.mark.parametrize("body, field", [
    ({"device_id": DEVICE, "location": {"coords": {"longitude": 24.9}}},
     "location.coords.latitude"),
    ({"device_id": DEVICE, "location": {"coords": "60.1,24.9"}}, "location.coords"),
    ({"device_id": DEVICE, "location": [{"coords": {"latitude": 60}}]},
     "location[0].coords.longitude"),
    ({"device_id": DEVICE, "location": "here"}, "location"),
    ({"location": {}}, "device_id"),
    ([], "body"),
    ([{"id": DEVICE}, "fix"], "body"),
    ([{"id": DEVICE, "lat": 60.1}], "body[0].lon"),
    ([{"id": DEVICE}, {"id": DEVICE + "x"}], "id"),
])
def test_json_that_cannot_be_a_fix_names_the_field(body, field):
    with pytest.raises(BadFix) as err:
        from_json(body, {}, now)
    assert err.value.field == field


def test_the_sdks_upload_json_list_reads_like_the_form():
    """traccar-client-sdk with `uploadJson`: the form's fields as JSON, one object per fix."""
    items = [{"id": DEVICE, "lat": 60.1, "lon": 24.9, "timestamp": 1764699990 + i,
              "speed": 9.72, "bearing": 84.5, "batt": 80 - i, "charge": False} for i in range(3)]
    items.append({"id": DEVICE, "timestamp": 1764700000, "batt": 70})  # a heartbeat
    report = from_json(items, {}, now)
    assert [f.timestamp for f in report.fixes] == [1764699990.0, 1764699991.0, 1764699992.0]
    assert report.fixes[0].speed == pytest.approx(9.72 * KNOT) and report.fixes[0].heading == 84.5
    assert (report.battery, report.charging) == (70.0, False) and report.entries == 4


@pytest.mark.parametrize("level", [1.5, "high", None, -1])
def test_a_json_battery_level_out_of_range_is_unknown(level):
    body = {"device_id": DEVICE, "location": {"battery": {"level": level, "is_charging": True}}}
    report = from_json(body, {}, now)
    assert report.battery is None and report.charging is True


@pytest.mark.parametrize("text, expected", [
    ("+1764699990", 1764699990.0),  # Long.parseLong reads a leading plus
    ("1764699990.5", 1764699990.5),
    ("2025-12-02t18:13:10z", 1764699190.0),  # ISO 8601 in lower case
], ids=["plus", "fraction", "lower case"])
def test_times_traccar_reads_are_read(text, expected):
    assert timestamp(text, now) == expected


@pytest.mark.parametrize("location", [
    {"coords": {}}, {"coords": None}, [], {"timestamp": "2025-12-02T18:13:10Z"},
], ids=["empty coords", "null coords", "empty list", "no coords"])
def test_json_without_coordinates_is_a_heartbeat(location):
    report = from_json({"device_id": DEVICE, "location": location}, {}, now)
    assert report.fixes == [] and report.invalid == 0


def test_zero_zero_is_no_fix_yet_never_a_refusal():
    assert from_form(form(lat=0, lon=0), now).fixes == []
    report = from_json({"device_id": DEVICE, "location": {
        "coords": {"latitude": 0.0, "longitude": 0.0}}}, {}, now)
    assert report.fixes == [] and report.invalid == 1


def test_a_decimal_comma_is_read_as_a_decimal_point():
    """A phone in a language that writes 60,1699: refused, it would be retried for ever."""
    from app.web.osmand.decode import _number

    assert _number("60,1699", "lat", -90, 90) == 60.1699
    assert _number("24,94", "lon", -180, 180) == 24.94
