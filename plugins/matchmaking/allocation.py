"""Slots at a regional event: who meets whom, so that the wish lists are met as well as they can be.

Every public body ranks the initiatives it wants to meet; each body has room
for at most ``m`` meetings, each initiative for at most ``k``. :func:`allocate`
finds the meetings with the highest summed preference (a body's first wish
scores most) and says what each side got and who got nothing::

    from .allocation import allocate

    result = allocate({"Stadt Celle": ["Digitalpaten", "Pflegenetz"], "Kreis Vechta": ["Digitalpaten"]},
                      body_capacity=2, initiative_capacity=1)
    result.meetings           # (Meeting(body='Kreis Vechta', initiative='Digitalpaten', rank=1, points=2),
                              #  Meeting(body='Stadt Celle', initiative='Pflegenetz', rank=2, points=1))
    result.by_body["Stadt Celle"]     # what the body got, best wish first
    result.unmatched_bodies   # bodies with wishes and no meeting; result.unmatched_initiatives likewise

(Celle meeting both would score as much, 3 points; then Vechta would get nothing.)

Points: a body's wish of rank ``r`` scores ``R + 1 - r``, where ``R`` is the
longest wish list, so every body's first wish is worth the same. Among
allocations with the same (highest) total, the one that gives a meeting to the
most bodies, then to the most initiatives, is chosen; the result is the same
for the same input. Capacities are a number for everyone or a mapping with a
number per body / initiative (missing ones get ``default_capacity``).

How: a minimum-cost flow (source -> body -> initiative -> sink, one unit per
meeting, cost = minus the points) on the sparse graph of wishes, solved by the
primal-dual method: Dijkstra with potentials finds the cheapest augmenting
distance, then a blocking flow (Dinic) sends every path of that cost at once.
Costs are small integers, so there are few phases. ALGORITHMS.md says why this
and not SciPy's ``linear_sum_assignment`` or a stable matching, with figures.
:func:`project_wishes` loads a project's wish lists from :class:`.models.Wish`.
"""
from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass
from typing import Hashable, Iterable, Mapping, Sequence

INFINITY = float("inf")


@dataclass(frozen=True)
class Meeting:
    """One meeting: ``rank`` is its place on the body's wish list (1 = first wish)."""

    body: Hashable
    initiative: Hashable
    rank: int
    points: int


@dataclass(frozen=True)
class Allocation:
    """The meetings, what each side got, and who got nothing.

    ``by_body`` has every body with a wish list (an empty tuple for those who
    got nothing), its meetings best wish first; ``by_initiative`` every
    initiative wished for or passed in ``initiatives``, its meetings by body
    order. ``total_points`` is the summed preference, ``wished_points`` what
    it would be if every body got its first ``m`` wishes (an upper bound).
    """

    meetings: tuple[Meeting, ...]
    by_body: dict
    by_initiative: dict
    unmatched_bodies: tuple
    unmatched_initiatives: tuple
    total_points: int
    wished_points: int


def _capacity(value: int | Mapping, key: Hashable, default: int) -> int:
    if isinstance(value, Mapping):
        value = value.get(key, default)
    if not isinstance(value, int) or value < 0:
        raise ValueError(f"capacity of {key!r} must be a whole number from 0 up, not {value!r}")
    return value


def allocate(wishes: Mapping[Hashable, Sequence[Hashable]], body_capacity: int | Mapping = 1,
             initiative_capacity: int | Mapping = 1, *, initiatives: Iterable[Hashable] = (),
             default_capacity: int = 1) -> Allocation:
    """Meetings with the highest summed preference that respect every capacity (see the module docstring).

    ``wishes`` maps each body to the initiatives it wants to meet, most wanted
    first (repeats after the first mention are ignored). ``initiatives`` adds
    initiatives nobody wished for, so that they are listed as having got
    nothing. Bodies and initiatives are any hashable, sortable ids.
    """
    lists = {body: list(dict.fromkeys(ranked)) for body, ranked in wishes.items()}
    longest = max((len(ranked) for ranked in lists.values()), default=0)
    bodies = sorted(lists)
    everyone = sorted(set(initiatives).union(*lists.values())) if lists else sorted(set(initiatives))

    # Lexicographic objective in one integer cost: points first; a first meeting for a body or an
    # initiative only breaks ties, since all such bonuses together stay below one point.
    scale = len(bodies) + len(everyone) + 1
    node_of_initiative = {initiative: 2 + len(bodies) + n for n, initiative in enumerate(everyone)}
    graph = _Graph(2 + len(bodies) + len(everyone))
    source, sink = 0, 1
    wish_edges = []
    for n, body in enumerate(bodies):
        node = 2 + n
        capacity = _capacity(body_capacity, body, default_capacity)
        if capacity == 0 or not lists[body]:
            continue
        graph.add(source, node, 1, -1)  # the body's first meeting
        if capacity > 1:
            graph.add(source, node, capacity - 1, 0)
        for rank, initiative in enumerate(lists[body], start=1):
            points = longest + 1 - rank
            wish_edges.append((graph.add(node, node_of_initiative[initiative], 1, -points * scale), body, initiative,
                               rank, points))
    for initiative, node in node_of_initiative.items():
        capacity = _capacity(initiative_capacity, initiative, default_capacity)
        if capacity > 0:
            graph.add(node, sink, 1, -1)  # the initiative's first meeting
        if capacity > 1:
            graph.add(node, sink, capacity - 1, 0)

    graph.min_cost_flow(source, sink, first_layer=range(2, 2 + len(bodies)),
                        second_layer=list(node_of_initiative.values()))

    meetings = [Meeting(body, initiative, rank, points)
                for edge, body, initiative, rank, points in wish_edges if graph.cap[edge] == 0]
    return _result(meetings, bodies, everyone, lists, body_capacity, default_capacity, longest)


def _result(meetings, bodies, everyone, lists, body_capacity, default_capacity, longest) -> Allocation:
    order = {body: n for n, body in enumerate(bodies)}
    meetings = tuple(sorted(meetings, key=lambda m: (order[m.body], m.rank)))
    by_body: dict = {body: [] for body in bodies}
    by_initiative: dict = {initiative: [] for initiative in everyone}
    for meeting in meetings:
        by_body[meeting.body].append(meeting)
        by_initiative[meeting.initiative].append(meeting)
    wished = 0
    for body in bodies:
        slots = min(len(lists[body]), _capacity(body_capacity, body, default_capacity))
        wished += sum(longest + 1 - rank for rank in range(1, slots + 1))
    return Allocation(
        meetings=meetings,
        by_body={body: tuple(found) for body, found in by_body.items()},
        by_initiative={initiative: tuple(found) for initiative, found in by_initiative.items()},
        unmatched_bodies=tuple(body for body in bodies if lists[body] and not by_body[body]),
        unmatched_initiatives=tuple(initiative for initiative in everyone if not by_initiative[initiative]),
        total_points=sum(m.points for m in meetings),
        wished_points=wished,
    )


class _Graph:
    """A residual graph in flat lists (edge ``e`` and its reverse ``e ^ 1``), and min-cost flow on it."""

    def __init__(self, nodes: int):
        self.nodes = nodes
        self.adjacent: list[list[int]] = [[] for _ in range(nodes)]
        self.to: list[int] = []
        self.cap: list[int] = []
        self.cost: list[int] = []

    def add(self, u: int, v: int, capacity: int, cost: int) -> int:
        edge = len(self.to)
        self.to += [v, u]
        self.cap += [capacity, 0]
        self.cost += [cost, -cost]
        self.adjacent[u].append(edge)
        self.adjacent[v].append(edge + 1)
        return edge

    def min_cost_flow(self, source: int, sink: int, first_layer: Iterable[int], second_layer: Iterable[int]) -> int:
        """Send flow while it lowers the total cost (not necessarily a maximum flow); returns the cost.

        The graph is layered (source, first layer, second layer, sink), so exact
        starting potentials come from one pass in that order, which makes every
        reduced cost non-negative despite the negative costs.
        """
        to, cost, adjacent = self.to, self.cost, self.adjacent
        reached: list[int | None] = [None] * self.nodes
        reached[source] = 0
        for layer in ([source], first_layer, second_layer):
            for u in layer:
                if reached[u] is None:
                    continue
                for edge in adjacent[u]:
                    if edge & 1 == 0:  # forward edges only: they all point to the next layer
                        v, distance = to[edge], reached[u] + cost[edge]
                        if reached[v] is None or distance < reached[v]:
                            reached[v] = distance
        # Nodes no wish reaches never carry flow; 0 keeps their edges' reduced costs non-negative.
        potential = [0 if distance is None else distance for distance in reached]

        total = 0
        while True:
            distance = self._dijkstra(source, potential)
            if distance[sink] == INFINITY:
                break
            cutoff = distance[sink]
            for v in range(self.nodes):
                potential[v] += distance[v] if distance[v] < cutoff else cutoff
            path_cost = potential[sink] - potential[source]
            if path_cost >= 0:
                break  # more meetings would not raise the summed preference
            sent = self._blocking_flows(source, sink, potential)
            if sent == 0:
                break
            total += sent * path_cost
        return total

    def _dijkstra(self, source: int, potential: list[int]) -> list[float]:
        to, cap, cost, adjacent = self.to, self.cap, self.cost, self.adjacent
        distance: list[float] = [INFINITY] * self.nodes
        distance[source] = 0
        heap = [(0, source)]
        pop, push = heapq.heappop, heapq.heappush
        while heap:
            d, u = pop(heap)
            if d > distance[u]:
                continue
            base = d + potential[u]
            for edge in adjacent[u]:
                if cap[edge]:
                    v = to[edge]
                    nd = base + cost[edge] - potential[v]
                    if nd < distance[v]:
                        distance[v] = nd
                        push(heap, (nd, v))
        return distance

    def _blocking_flows(self, source: int, sink: int, potential: list[int]) -> int:
        """Send as much as possible along edges of reduced cost 0 (Dinic on that subgraph)."""
        to, cap, cost, adjacent = self.to, self.cap, self.cost, self.adjacent
        sent = 0
        while True:
            level = [-1] * self.nodes
            level[source] = 0
            queue = deque([source])
            while queue:
                u = queue.popleft()
                for edge in adjacent[u]:
                    v = to[edge]
                    if cap[edge] and level[v] < 0 and cost[edge] + potential[u] - potential[v] == 0:
                        level[v] = level[u] + 1
                        queue.append(v)
            if level[sink] < 0:
                return sent
            position = [0] * self.nodes
            while True:
                pushed = self._augment(source, sink, level, position, potential)
                if not pushed:
                    break
                sent += pushed

    def _augment(self, source: int, sink: int, level: list[int], position: list[int], potential: list[int]) -> int:
        """One augmenting path in the level graph, found without recursion; returns the amount sent."""
        to, cap, cost, adjacent = self.to, self.cap, self.cost, self.adjacent
        path: list[int] = []
        u = source
        while u != sink:
            edges = adjacent[u]
            while position[u] < len(edges):
                edge = edges[position[u]]
                v = to[edge]
                if cap[edge] and level[v] == level[u] + 1 and cost[edge] + potential[u] - potential[v] == 0:
                    break
                position[u] += 1
            else:
                if u == source:
                    return 0
                level[u] = -1  # a dead end: never try it again in this round
                edge = path.pop()
                u = to[edge ^ 1]
                position[u] += 1
                continue
            path.append(edge)
            u = to[edge]
        amount = min(cap[edge] for edge in path)
        for edge in path:
            cap[edge] -= amount
            cap[edge ^ 1] += amount
        return amount


def project_wishes(project_id: int) -> dict[int, list[int]]:
    """Each public body's wish list in a project: organisation id -> initiative ids, most wanted first."""
    from core.toolkit import db

    from .models import Wish

    lists: dict[int, list[int]] = {}
    rows = db.session.execute(
        db.select(Wish.organisation_id, Wish.initiative_id)
        .where(Wish.project_id == project_id)
        .order_by(Wish.organisation_id, Wish.rank, Wish.id)
    )
    for organisation_id, initiative_id in rows:
        lists.setdefault(organisation_id, []).append(initiative_id)
    return lists
