"""Distances and matching a position onto a planned path."""

from __future__ import annotations

import pytest

from app.domain.geo import Path, haversine_m

LINE = [(60.0, 25.0), (60.001, 25.0), (60.002, 25.0)]  # ~222 m due north


def test_haversine_matches_a_known_distance():
    assert haversine_m(60.0, 25.0, 61.0, 25.0) == pytest.approx(111_195, rel=1e-3)
    assert haversine_m(60.0, 25.0, 60.0, 25.0) == 0.0


def test_path_measures_and_marks():
    path = Path(LINE, marks=[1, 2])
    assert path.length == pytest.approx(222.4, abs=0.5)
    assert path.mark_m == pytest.approx([111.2, 222.4], abs=0.5)


@pytest.mark.parametrize(("east_m", "along_m"), [(0, 55.6), (20, 55.6), (-20, 55.6)])
def test_match_projects_sideways_noise_onto_the_path(east_m, along_m):
    path = Path(LINE, marks=[2])
    lon = 25.0 + east_m / (111_320 * 0.5)  # cos(60 deg) = 0.5
    m = path.match(60.0005, lon, 0, path.length)
    assert m.along_m == pytest.approx(along_m, abs=0.5)
    assert m.offset_m == pytest.approx(abs(east_m), abs=0.5)


def test_match_stays_inside_its_window_on_a_path_that_doubles_back():
    out_and_back = Path([*LINE, (60.0, 25.0)], marks=[2])
    m = out_and_back.match(60.0005, 25.0, 250, out_and_back.length)
    assert m.along_m == pytest.approx(222.4 + 166.8, abs=1)


def test_slice_and_point_at():
    path = Path(LINE, marks=[2])
    assert path.point_at(111.2) == pytest.approx((60.001, 25.0), abs=1e-6)
    part = path.slice(50, 200)
    assert len(part) == 3 and part[1] == (60.001, 25.0)
