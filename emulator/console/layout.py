"""Where each node of a workflow graph is drawn: a layered (Sugiyama) layout by grandalf, computed server-side.

Input is the WorkflowGraph shape of GetWorkflow/GetWorkflowRun (`Nodes` with `UniqueId`, `Edges` with
`SourceId`/`DestinationId`); output is what the SVG template draws: boxes with their top-left corner and
size, and each edge as a polyline from the bottom of its source to the top of its destination, in pixels.
Layers run top to bottom (a workflow reads as a chain of steps; the retail example is 10 layers, 3 wide),
and grandalf reduces crossings and routes long edges around the layers they skip. Cycles (a trigger that
restarts an earlier job) are allowed: grandalf reverses an edge of each cycle for the layering only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NODE_WIDTH = 210
NODE_HEIGHT = 46
_X_SPACE = 24  # pixels between boxes of a layer
_Y_SPACE = 44  # pixels between layers: room for the arrow heads
_MARGIN = 16


class _Size:
    """grandalf's vertex view: the box size it lays out; it writes the centre into `xy`."""

    def __init__(self) -> None:
        self.w, self.h = NODE_WIDTH, NODE_HEIGHT
        self.xy: tuple[float, float] = (0.0, 0.0)


class _Path:
    """grandalf's edge view: it writes the route's points into `points`."""

    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []

    def setpath(self, points: list[tuple[float, float]]) -> None:
        self.points = list(points)


@dataclass
class Box:
    """A node at (x, y), its top-left corner in pixels; `node` is the WorkflowGraph node."""

    node: dict[str, Any]
    x: float
    y: float
    width: float = NODE_WIDTH
    height: float = NODE_HEIGHT


@dataclass
class Drawing:
    """The laid-out graph: `edges` are (source id, destination id, polyline points) in pixels."""

    boxes: list[Box] = field(default_factory=list)
    edges: list[tuple[str, str, list[tuple[float, float]]]] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0


def layout(graph: dict[str, Any]) -> Drawing:
    """Lay out a WorkflowGraph; unconnected parts are placed side by side, left to right."""
    # Imported here, not at the top: a server whose environment predates this dependency still starts,
    # and only the graph pages fail (with the ImportError in the server log).
    from grandalf.graphs import Edge, Graph, Vertex

    nodes = {node["UniqueId"]: node for node in graph.get("Nodes", [])}
    vertices = {uid: Vertex(uid) for uid in nodes}
    for vertex in vertices.values():
        vertex.view = _Size()
    edges = []
    for edge in graph.get("Edges", []):
        source, target = vertices.get(edge["SourceId"]), vertices.get(edge["DestinationId"])
        if source is None or target is None or source is target:
            continue
        link = Edge(source, target)
        link.view = _Path()
        edges.append(link)
    drawing = Drawing()
    offset = 0.0
    # Vertices in the order the graph lists them, so the drawing is the same from one poll to the next.
    for component in Graph(list(vertices.values()), edges).C:
        placed = _place(component)
        left = min(v.view.xy[0] - v.view.w / 2 for v in component.sV)
        top = min(v.view.xy[1] - v.view.h / 2 for v in component.sV)
        dx, dy = offset + _MARGIN - left, _MARGIN - top
        for vertex in component.sV:
            cx, cy = vertex.view.xy
            drawing.boxes.append(Box(nodes[vertex.data], cx - NODE_WIDTH / 2 + dx, cy - NODE_HEIGHT / 2 + dy))
        for link in placed:
            points = [(x + dx, y + dy) for x, y in link.view.points]
            drawing.edges.append((link.v[0].data, link.v[1].data, _clip(points)))
        right = max(v.view.xy[0] + v.view.w / 2 for v in component.sV) + dx
        bottom = max(v.view.xy[1] + v.view.h / 2 for v in component.sV) + dy
        offset = right + _X_SPACE
        drawing.width = max(drawing.width, right + _MARGIN)
        drawing.height = max(drawing.height, bottom + _MARGIN)
    return drawing


def _place(component: Any) -> list[Any]:
    """Run the Sugiyama layout on one connected component; its edges, routed."""
    from grandalf.layouts import SugiyamaLayout

    sugiyama = SugiyamaLayout(component)
    sugiyama.xspace, sugiyama.yspace = _X_SPACE, _Y_SPACE
    roots = [v for v in component.sV if not v.e_in()]
    sugiyama.init_all(roots=roots or None)
    sugiyama.draw()
    return list(component.sE)


def _clip(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Move the ends of a centre-to-centre route to the boxes' borders (so the arrow head shows)."""
    if len(points) < 2:
        return points
    (x0, y0), (x1, y1) = points[0], points[-1]
    half = NODE_HEIGHT / 2
    start = (x0, y0 + half) if points[1][1] >= y0 else (x0, y0 - half)
    end = (x1, y1 - half) if points[-2][1] <= y1 else (x1, y1 + half)
    return [start, *points[1:-1], end]
