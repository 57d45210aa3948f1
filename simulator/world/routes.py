"""Travel times among a block's points, and the path between any two: with turn costs for cars.

A car's cost of a turn depends on the street it comes from, which a graph of junctions cannot
express: motor vehicles are routed on the graph of street pieces instead (one node per directed
piece, one arc per allowed move from a piece to the next, costing the next piece's time plus the
turn). Walkers and riders turn for free and use the junction graph.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from simulator.errors import SimulatorError
from simulator.world.geo import bearing_deg

# Seconds a turn costs a motor vehicle (right-hand traffic: a left turn crosses the oncoming
# lane). A U-turn is allowed, at a price, so that dead ends stay reachable.
STRAIGHT_DEG = 30.0
RIGHT_TURN_S, LEFT_TURN_S, U_TURN_S = 3.0, 8.0, 40.0
U_TURN_DEG = 150.0


def turn_cost(b1: float, b2: float) -> float:
    """Seconds to turn from heading b1 onto heading b2."""
    signed = (b2 - b1 + 540.0) % 360.0 - 180.0  # > 0: to the right
    if abs(signed) < STRAIGHT_DEG:
        return 0.0
    if abs(signed) > U_TURN_DEG:
        return U_TURN_S
    return RIGHT_TURN_S if signed > 0 else LEFT_TURN_S


class TurnGraph:
    """A network's pieces as nodes: piece p runs a -> b; start(x) and end(x) stand for node x."""

    def __init__(self, edges: list[tuple[int, int]], cost: np.ndarray, lat: np.ndarray,
                 lon: np.ndarray) -> None:
        self.edges = edges
        self.n_edges, self.n_nodes = len(edges), len(lat)
        bearing = [bearing_deg(lat[a], lon[a], lat[b], lon[b]) for a, b in edges]
        out: dict[int, list[int]] = {}
        for p, (a, _) in enumerate(edges):
            out.setdefault(a, []).append(p)
        rows, cols, w = [], [], []
        for p, (_, b) in enumerate(edges):
            for q in out.get(b, []):
                rows.append(p)
                cols.append(q)
                w.append(cost[q] + turn_cost(bearing[p], bearing[q]))
            rows.append(p)  # the piece reaches its end node
            cols.append(self.end(b))
            w.append(1e-9)  # scipy drops explicit zeros from a sparse graph
        for q, (a, _) in enumerate(edges):
            rows.append(self.start(a))
            cols.append(q)
            w.append(cost[q])
        size = self.n_edges + 2 * self.n_nodes
        self.graph = csr_matrix((w, (rows, cols)), shape=(size, size))

    def start(self, node: int) -> int:
        return self.n_edges + node

    def end(self, node: int) -> int:
        return self.n_edges + self.n_nodes + node


class Routes:
    """Seconds between every two of `nodes` (`matrix`), and the path between them (`path`)."""

    def __init__(self, graph: csr_matrix, nodes: list[int], turns: TurnGraph | None) -> None:
        self.nodes, self.turns = nodes, turns
        if turns is None:
            self.dist, self.pred = dijkstra(graph, directed=True, indices=nodes,
                                            return_predecessors=True)
            self.matrix = self.dist[:, nodes]
        else:
            self.dist, self.pred = dijkstra(turns.graph, directed=True,
                                            indices=[turns.start(n) for n in nodes],
                                            return_predecessors=True)
            self.matrix = self.dist[:, [turns.end(n) for n in nodes]]
            np.fill_diagonal(self.matrix, 0.0)

    def path(self, i: int, j: int) -> list[int]:
        """The network nodes from nodes[i] to nodes[j]."""
        src, dst = self.nodes[i], self.nodes[j]
        if src == dst:
            return [src]
        t = self.turns
        if t is None:
            return walk_back(self.pred[i], src, dst)
        pieces = walk_back(self.pred[i], t.start(src), t.end(dst))[1:-1]
        return [t.edges[pieces[0]][0]] + [t.edges[p][1] for p in pieces]


def walk_back(pred_row: np.ndarray, source: int, target: int) -> list[int]:
    """Follow a Dijkstra predecessor row back from target to source."""
    path = [target]
    node = target
    while node != source:
        node = int(pred_row[node])
        if node < 0:
            raise SimulatorError("no path between two points of the network")
        path.append(node)
    path.reverse()
    return path
