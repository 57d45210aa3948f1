"""External carriers: published example numbers are recognised, mutated ones fail the check."""

from __future__ import annotations

import pytest

from app.domain.carriers import recognise

VALID = [
    ("1Z5R89390357567127", "ups", "ups"),
    ("1Z879E930346834440", "ups", "ups"),
    ("1Z999AA10123456784", "ups", "ups"),
    ("986578788855", "fedex", "fedex_express"),
    ("477179081230", "fedex", "fedex_express"),
    ("0414 4176 0228 964", "fedex", "fedex_ground"),
    ("568283610012734", "fedex", "fedex_ground"),
    ("9611020987654312345672", "fedex", "fedex_ground96"),
    ("9400 1112 0108 0805 4830 16", "usps", "impb"),
    ("0307 1790 0005 2348 3741", "usps", "impb"),
    ("7196 9010 7560 0307 7385", "usps", "impb"),
    ("EA123456785US", "usps", "s10"),
    ("RB123456785GB", "post", "s10"),
]


@pytest.mark.parametrize(("number", "carrier", "fmt"), VALID)
def test_published_examples_are_recognised_and_valid(number, carrier, fmt):
    match = recognise(number)
    assert match is not None
    assert (match.carrier, match.format, match.valid) == (carrier, fmt, True)
    assert " " not in match.number and match.live_map is False


@pytest.mark.parametrize(("number", "carrier", "fmt"), VALID)
def test_a_changed_check_digit_is_caught(number, carrier, fmt):
    n = number.replace(" ", "")
    digit = n[-3] if fmt == "s10" else n[-1]
    mutated_digit = str((int(digit) + 1) % 10)
    mutated = n[:-3] + mutated_digit + n[-2:] if fmt == "s10" else n[:-1] + mutated_digit
    match = recognise(mutated)
    assert match is not None and match.carrier == carrier and match.valid is False


def test_lower_case_and_dashes_are_normalised():
    assert recognise("1z-5r89-3903-5756-7127").number == "1Z5R89390357567127"


@pytest.mark.parametrize("number", ["", "hello", "12345", "2Z5R89390357567127", "DS7K2M9Q4X"])
def test_unknown_formats_are_not_recognised(number):
    assert recognise(number) is None


def test_carrier_matches_link_to_the_carrier_not_a_map():
    match = recognise("1Z879E930346834440")
    assert match.tracking_url.startswith("https://www.ups.com/")
