"""The end-of-run summary says what its distances are (issue 22, after the outside check)."""

from __future__ import annotations

from simulator.cli import main


def test_the_summary_splits_road_and_walking_distance(capsys):
    code = main(["run", "--dry-run", "--max-speed", "--vans", "1", "--walkers", "1", "--stops",
                 "8", "--program", "standard", "--seed", "1", "--date", "2026-11-26"])
    assert code == 0
    lines = capsys.readouterr().err.splitlines()
    header = next(line for line in lines if line.startswith("driver"))
    assert header.split()[-5:] == ["road", "km", "walk", "km", "hours"]
    rows = {line.split()[2]: line.split() for line in lines if " 1 " in line}
    road, walk = float(rows["van"][-3]), float(rows["van"][-2])
    assert road > 1.0 and 0.1 < walk < road  # the van parks and its driver walks to doors
    assert any(line.startswith("road km: between stops") for line in lines)
