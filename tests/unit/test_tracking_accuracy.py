"""A short seeded simulation replayed through the engine: stops away exact, ETAs close."""

from __future__ import annotations

import pytest

pytest.importorskip("simulator.drive.fleet")
replay = pytest.importorskip("bench.eta_replay").replay


@pytest.fixture(scope="module")
def score():
    return replay({"van": 2, "bike": 2}, seed=7, stops=14)


def test_stops_away_is_exact_at_every_fix(score):
    assert score.stops_checked > 1000
    assert score.stops_away_mismatches == 0


def test_eta_five_stops_away_is_within_a_few_minutes_of_truth(score):
    median, _, _, count = score.summary(5)
    assert count >= 10
    # % of the time still to go; the bench reports ~9% on larger fleets. A median of 36 ETAs
    # moves with the seed: 11.8-15.3 over seeds 3, 7, 11, 21 before issue 22's walks on the
    # pedestrian network, 12.5-16.2 after (15.5 for this seed).
    assert median < 17


def test_no_simulated_fix_is_dropped(score):
    assert score.dropped == 0
