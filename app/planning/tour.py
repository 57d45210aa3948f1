"""The order of a block's stops: VROOM's, measured best on our instances, else the simulator's.

`python -m bench.plan_bench` ordered 50-, 100- and 200-stop blocks of the bundled map on the
van's directed travel times (3 seeds, 2026-12-02, a machine at load 20): VROOM (pyvroom,
exploration level 1) gave the shortest driving time; ours (nearest neighbour + 2-opt + Or-opt,
simulator.plan.ordering) 8 / 7 / 4 % longer (median at 50 / 100 / 200 stops, worst 24 %) and
OR-Tools' guided local search after 2 s 1 / 6 / 16 % longer. On distances (the first
measurement) VROOM took 0.15 s for 100 stops and 1 s for 200; on travel times 0.8 s for 50,
2.3 s for 100 and over 10 s for 200, ours 0.06-0.3 s: VROOM up to VROOM_MAX_STOPS, ours past it
and as the fallback.
"""

from __future__ import annotations

import logging

import numpy as np

from simulator.plan.ordering import order_stops

log = logging.getLogger(__name__)
# On travel times (turn costs make the matrix far from symmetric) VROOM took 11-68 s for 200
# stops on a loaded 2-core machine (2 s for 100), where ours takes 0.3 s and is 4 % longer
# (median): past this size the seller's wait is not worth the minutes of driving.
VROOM_MAX_STOPS = 150


def tour(dist: np.ndarray) -> list[int]:
    """Matrix indices 1..n (0 is the station) in visiting order, for a closed tour."""
    n = len(dist) - 1
    if n <= 2 or n > VROOM_MAX_STOPS:
        return order_stops(dist)
    try:
        return _vroom(dist)
    except Exception as exc:  # no pyvroom, or it failed on this matrix: ours never does
        log.warning("stop order: VROOM failed (%s); using the built-in ordering", exc)
        return order_stops(dist)


def _vroom(dist: np.ndarray) -> list[int]:
    import vroom

    problem = vroom.Input()
    # Lists, not a numpy array: pyvroom 1.15 read a numpy matrix transposed. VROOM takes whole
    # numbers: tenths, so a matrix of seconds keeps its short hops apart.
    problem.set_durations_matrix(profile="car",
                                 matrix_input=[[int(round(x * 10)) for x in row] for row in dist])
    problem.add_vehicle(vroom.Vehicle(id=0, start=0, end=0, profile="car"))
    problem.add_job([vroom.Job(id=i, location=i) for i in range(1, len(dist))])
    routes = problem.solve(exploration_level=1, nb_threads=1).routes
    order = [int(i) for i in routes[routes["type"] == "job"]["id"]]
    if sorted(order) != list(range(1, len(dist))):  # every stop once, or not VROOM's answer
        raise ValueError("not every stop once")
    return order
