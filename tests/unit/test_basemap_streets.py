"""A street's ways joined end to end, so its name fits along it."""

from __future__ import annotations

from app.basemap.streets import merge


def piece(*refs):
    return [(r, (24.9 + r / 1000, 60.1)) for r in refs]


def test_pieces_in_any_direction_become_one_line():
    lines = merge([piece(3, 4, 5), piece(1, 2, 3), piece(7, 6, 5)])
    assert [[r for r, _ in line] for line in lines] == [[1, 2, 3, 4, 5, 6, 7]]


def test_a_fork_and_a_separate_piece_stay_apart():
    lines = merge([piece(1, 2), piece(2, 3), piece(2, 4), piece(8, 9)])
    refs = sorted([r for r, _ in line] for line in lines)
    assert refs == [[1, 2, 3], [2, 4], [8, 9]]
