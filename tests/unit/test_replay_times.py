"""GPX replay keeps the recorded times whatever the recorder left out (issue 19)."""

from __future__ import annotations

import pytest

from simulator.drive.replay import track_offsets


def pts(*times):
    return [(60.0 + i / 1000, 25.0, t) for i, t in enumerate(times)]


@pytest.mark.parametrize(("times", "expected"), [
    ((100.0, 110.0, 130.0), [0, 10, 30]),  # all recorded: the pace kept
    ((None, None, None), [0, 5, 10]),  # none: the interval
    ((None, 100.0, 110.0), [0, 5, 15]),  # the first without: one interval before
    ((100.0, None, None, 130.0), [0, 10, 20, 30]),  # a gap: spread evenly
    ((100.0, 110.0, None), [0, 10, 15]),  # the last without: one interval after
    ((100.0, 110.0, 105.0, 120.0), [0, 10, 10, 20]),  # backwards: held, never runs back
    ((100.0, 100.0, 100.0), [0, 0, 0]),  # equal times stay equal
])
def test_offsets_keep_every_recorded_time(times, expected):
    assert track_offsets(pts(*times), 5.0) == expected


def test_offsets_never_decrease_whatever_the_times():
    import random

    rng = random.Random(3)
    for _ in range(200):
        times = [rng.choice([None, rng.uniform(0, 100)]) for _ in range(rng.randint(1, 12))]
        offsets = track_offsets(pts(*times), 2.0)
        assert offsets[0] == 0 and all(b >= a for a, b in zip(offsets, offsets[1:], strict=False))
