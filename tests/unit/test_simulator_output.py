"""What a run tells its user: the summary and the ground truth (issue 22, outside check)."""

from __future__ import annotations

from simulator.cli import main
from tests.unit.test_simulator_realism import kinds, run


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
    assert any(line.startswith("blocks: finished") and "road km: between stops" in line
               for line in lines)


def test_a_restaurant_block_is_in_the_ground_truth_as_docs_say(tmp_path):
    # docs/simulator.md "Restaurant blocks": a pickup stop, then the one customer.
    records = run(tmp_path, "--bikes", "1", "--program", "restaurant", "--seed", "2")
    route = kinds(records, "route")[0]
    assert [s["kind"] for s in route["stops"]] == ["pickup", "delivery"]
    assert route["stops"][0]["shipments"] == 0
    assert route["truth"]["outcomes"][0] == "picked_up"
    events = [(e["type"], e["stop"]) for e in kinds(records, "event")]
    assert events[:4] == [("route_started", None), ("arrived", 0), ("picked_up", 0), ("arrived", 1)]
    waits = [f for f in kinds(records, "position") if f["truth"]["phase"] == "pickup"]
    assert 60 <= len(waits) * 3 <= 7 * 60 + 3  # 1-7 minutes at the default 3 s interval
