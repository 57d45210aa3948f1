"""The order of a block's stops: VROOM's, measured best on our instances, else the simulator's.

`python -m bench.plan_bench` ordered 50-, 100- and 200-stop blocks of the bundled map on the
van's directed street distances: VROOM (pyvroom, exploration level 1) was the shortest, ours
(nearest neighbour + 2-opt + Or-opt, simulator.plan.ordering) 9-11 % longer and OR-Tools' guided
local search 1-7 % longer after 2 s. VROOM takes 0.15 s for 100 stops and 1 s for 200, ours
14 and 43 ms: a seller plans once a day, so the shorter day wins. Ours stays the fallback.
"""

from __future__ import annotations

import logging

import numpy as np

from simulator.plan.ordering import order_stops

log = logging.getLogger(__name__)


def tour(dist: np.ndarray) -> list[int]:
    """Matrix indices 1..n (0 is the station) in visiting order, for a closed tour."""
    n = len(dist) - 1
    if n <= 2:
        return order_stops(dist)
    try:
        return _vroom(dist)
    except Exception as exc:  # no pyvroom, or it failed on this matrix: ours never does
        log.warning("stop order: VROOM failed (%s); using the built-in ordering", exc)
        return order_stops(dist)


def _vroom(dist: np.ndarray) -> list[int]:
    import vroom

    problem = vroom.Input()
    # Lists, not a numpy array: pyvroom 1.15 read a numpy matrix transposed.
    problem.set_durations_matrix(profile="car",
                                 matrix_input=[[int(round(x)) for x in row] for row in dist])
    problem.add_vehicle(vroom.Vehicle(id=0, start=0, end=0, profile="car"))
    problem.add_job([vroom.Job(id=i, location=i) for i in range(1, len(dist))])
    routes = problem.solve(exploration_level=1, nb_threads=1).routes
    order = [int(i) for i in routes[routes["type"] == "job"]["id"]]
    if sorted(order) != list(range(1, len(dist))):  # every stop once, or not VROOM's answer
        raise ValueError("not every stop once")
    return order
