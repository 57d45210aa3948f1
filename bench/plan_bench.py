"""Stop ordering for a planned block: ours against VROOM (pyvroom) and OR-Tools (issue 16).

    python -m bench.plan_bench [--sizes 50 100 200] [--seeds 1 2 3] [--ortools-seconds 2]

Each instance is n real addresses of the bundled map and its station, with the van's directed
travel times on the street network (speed limits, turn costs, traffic lights: the matrix the
planner orders on, app/planning/plan.py). Each solver orders the same matrix; the tour's
driving time is then read from that matrix. Prints, per size, the best total driving time, each
solver's time over the best of the three (median and worst over the seeds) and its solve time
(median, p90). Both solvers are from PyPI (requirements-dev.txt); the server uses ours.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import numpy as np

from simulator.plan.ordering import order_stops
from simulator.world.maps import load_map
from simulator.world.modes import DRIVING


def instance(n: int, seed: int) -> np.ndarray:
    city = load_map(None)
    rng = random.Random(seed)  # nosec B311 # a seeded benchmark sample
    station = city.station()
    stops = rng.sample(city.addresses, n)
    net = city.network(DRIVING)
    nodes = [net.snap(station.lat, station.lon)] + [net.snap(a.lat, a.lon) for a in stops]
    return net.routes(nodes).matrix


def length(dist: np.ndarray, order: list[int]) -> float:
    seq = [0, *order, 0]
    return float(sum(dist[a, b] for a, b in zip(seq, seq[1:], strict=False)))


def ours(dist: np.ndarray, _: float) -> list[int]:
    return order_stops(dist)


def vroom_order(dist: np.ndarray, _: float) -> list[int]:
    import vroom

    problem = vroom.Input()
    # Lists, not a numpy array: pyvroom 1.15 read a numpy matrix transposed (its arrival at
    # stop j from the station was dist[j, 0]); with lists its own cost equals length() below.
    matrix = [[int(round(x)) for x in row] for row in dist]
    problem.set_durations_matrix(profile="car", matrix_input=matrix)
    problem.add_vehicle(vroom.Vehicle(id=0, start=0, end=0, profile="car"))
    problem.add_job([vroom.Job(id=i, location=i) for i in range(1, len(dist))])
    routes = problem.solve(exploration_level=5, nb_threads=1).routes
    return [int(i) for i in routes[routes["type"] == "job"]["id"]]  # job id = matrix index


def ortools_order(dist: np.ndarray, seconds: float) -> list[int]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    matrix = np.rint(dist).astype(int)
    manager = pywrapcp.RoutingIndexManager(len(dist), 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    cost = routing.RegisterTransitCallback(
        lambda a, b: int(matrix[manager.IndexToNode(a), manager.IndexToNode(b)]))
    routing.SetArcCostEvaluatorOfAllVehicles(cost)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = routing.SolveWithParameters(params)
    order, index = [], routing.Start(0)
    while not routing.IsEnd(index):
        node = manager.IndexToNode(index)
        if node:
            order.append(node)
        index = solution.Value(routing.NextVar(index))
    return order


SOLVERS = {"ours (NN + 2-opt + Or-opt)": ours, "VROOM (pyvroom)": vroom_order,
           "OR-Tools (GLS)": ortools_order}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--ortools-seconds", type=float, default=2.0,
                        help="OR-Tools' search time per instance (it improves until then)")
    args = parser.parse_args()
    for n in args.sizes:
        ratios: dict[str, list[float]] = {name: [] for name in SOLVERS}
        bests: list[float] = []
        took: dict[str, list[float]] = {name: [] for name in SOLVERS}
        for seed in args.seeds:
            dist = instance(n, seed)
            lengths = {}
            for name, solve in SOLVERS.items():
                started = time.perf_counter()
                order = solve(dist, args.ortools_seconds)
                took[name].append(time.perf_counter() - started)
                if sorted(order) != list(range(1, n + 1)):  # every stop, once
                    raise SystemExit(f"{name} did not visit every stop once")
                lengths[name] = length(dist, order)
            best = min(lengths.values())
            bests.append(best)
            for name in SOLVERS:
                ratios[name].append(lengths[name] / best)
        print(f"{n} stops, {len(args.seeds)} seeds: best total driving time "
              f"{statistics.median(bests) / 60:.0f} min (median); driving time / best of the "
              "three (median, worst); solve time (median, p90)")
        for name in SOLVERS:
            t = sorted(took[name])
            print(f"  {name:28s} {statistics.median(ratios[name]):.3f}, "
                  f"{max(ratios[name]):.3f}; {statistics.median(t) * 1000:7.0f} ms, "
                  f"{t[min(len(t) - 1, int(len(t) * 0.9))] * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
