"""The console's graph layout (emulator/console/layout.py) and what views.py makes of a run's graph."""

from __future__ import annotations

import itertools
from typing import Any

from emulator.console import views
from emulator.console.layout import NODE_HEIGHT, layout


def graph(edges: list[tuple[str, str]], extra: tuple[str, ...] = ()) -> dict[str, Any]:
    names = sorted({n for edge in edges for n in edge} | set(extra))
    nodes = [{"UniqueId": f"id-{n}", "Name": n, "Type": "TRIGGER" if n.startswith("t") else "JOB"} for n in names]
    return {"Nodes": nodes, "Edges": [{"SourceId": f"id-{s}", "DestinationId": f"id-{d}"} for s, d in edges]}


def overlaps(a: Any, b: Any) -> bool:
    return a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height and b.y < a.y + a.height


def test_a_chain_with_a_fork_reads_top_down_without_overlaps() -> None:
    edges = [("t-start", "a"), ("a", "t-ok"), ("a", "t-fail"), ("t-ok", "b"), ("t-fail", "c"),
             ("b", "t-any"), ("c", "t-any"), ("t-any", "d")]
    drawing = layout(graph(edges))
    boxes = {box.node["Name"]: box for box in drawing.boxes}
    assert len(boxes) == 8
    for first, second in itertools.combinations(boxes.values(), 2):
        assert not overlaps(first, second)
    for source, target in edges:  # every edge goes down a layer or more
        assert boxes[source].y + NODE_HEIGHT <= boxes[target].y
    assert boxes["b"].y == boxes["c"].y  # the two branches side by side
    for box in boxes.values():
        assert 0 <= box.x and box.x + box.width <= drawing.width and box.y + box.height <= drawing.height


def test_edges_run_from_the_bottom_of_the_source_to_the_top_of_the_target() -> None:
    drawing = layout(graph([("t1", "a"), ("a", "t2"), ("t2", "b"), ("t1", "b")]))
    boxes = {box.node["UniqueId"]: box for box in drawing.boxes}
    assert len(drawing.edges) == 4
    for source, target, points in drawing.edges:
        start, end = points[0], points[-1]
        assert start[1] == boxes[source].y + NODE_HEIGHT and boxes[source].x <= start[0] <= boxes[source].x + 210
        assert end[1] == boxes[target].y and boxes[target].x <= end[0] <= boxes[target].x + 210
    long_edge = next(points for s, t, points in drawing.edges if (s, t) == ("id-t1", "id-b"))
    assert len(long_edge) > 2  # routed around the layers it skips


def test_a_cycle_and_unconnected_nodes_are_laid_out() -> None:
    drawing = layout(graph([("t1", "a"), ("a", "t2"), ("t2", "a")], extra=("lonely",)))
    assert {box.node["Name"] for box in drawing.boxes} == {"t1", "a", "t2", "lonely"}
    for first, second in itertools.combinations(drawing.boxes, 2):
        assert not overlaps(first, second)
    assert layout({"Nodes": [], "Edges": []}).boxes == []


def test_run_graph_states_and_fired_triggers() -> None:
    run_graph = graph([("t-start", "a"), ("a", "t-ok"), ("t-ok", "b"), ("a", "t-fail"), ("t-fail", "c")])
    by_name = {n["Name"]: n for n in run_graph["Nodes"]}
    by_name["a"]["JobDetails"] = {"JobRuns": [{"Id": "jr_1", "JobRunState": "FAILED", "StartedOn": 1.0},
                                              {"Id": "jr_2", "JobRunState": "SUCCEEDED", "StartedOn": 2.0}]}
    by_name["c"]["JobDetails"] = {"JobRuns": [{"Id": "jr_3", "JobRunState": "RUNNING", "StartedOn": 3.0}]}
    drawing = views.drawn_graph(run_graph, in_run=True)
    nodes = {box.node["Name"]: box.node for box in drawing.boxes}
    assert (nodes["a"]["_state"], nodes["a"]["_css"]) == ("SUCCEEDED", "succeeded")  # its latest run counts
    assert (nodes["b"]["_state"], nodes["b"]["_css"]) == ("not run", "notrun")
    assert nodes["c"]["_css"] == "running"
    assert nodes["t-fail"]["_state"] == "fired" and nodes["t-ok"]["_state"] == "not fired"


def test_state_classes() -> None:
    assert [views.state_class(s) for s in ("STARTING", "SUCCEEDED", "COMPLETED", "TIMEOUT", "ERROR", "STOPPED", None)] \
        == ["running", "succeeded", "succeeded", "failed", "failed", "stopped", "notrun"]
