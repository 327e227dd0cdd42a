"""Grouping nodes into collapsed boxes, so a graph of thousands of nodes fits one screen.

A node's group comes from ``group_by``:

- a depth ``d``: the first ``d`` dotted parts of its label, for labels with more parts than
  that. nn names parameters ``layers.0.neurons.3.w.1`` and a neuron's outputs
  ``layers.0.neurons.3.z`` / ``.a``, so ``d = 4`` makes one box per neuron, ``d = 2`` one box
  per layer. With a depth, boxes whose names share all but their last two parts are framed
  together (neurons ``layers.0.neurons.*`` in a frame ``layers.0``).
- a function ``node -> group name or None``.

An unlabelled node (a lifted constant, an intermediate sum) that gets no group by itself joins
the group of the nodes it feeds when those all share one group: the pieces a neuron computes
with fold into the neuron. A node feeding several groups (a network input) or nothing (the
output) is drawn on its own.
"""

from __future__ import annotations

from collections.abc import Callable

from autograd.value import Value

GroupBy = int | Callable[[Value], str | None]


def label_prefix(depth: int) -> Callable[[Value], str | None]:
    """The group of a node: the first ``depth`` dotted parts of its label, if it has more."""

    def key(node: Value) -> str | None:
        parts = (node.label or "").split(".")
        return ".".join(parts[:depth]) if len(parts) > depth else None

    return key


def assign_groups(order: list[Value], group_by: GroupBy) -> dict[Value, str]:
    """The group name of each grouped node of ``order`` (a topological order)."""
    if isinstance(group_by, bool) or not (callable(group_by) or isinstance(group_by, int)):
        raise TypeError(
            f"group_by takes a depth (int) or a function node -> name, got {group_by!r}"
        )
    if isinstance(group_by, int) and group_by < 1:
        raise ValueError(f"group_by depth must be at least 1, got {group_by}")
    key = label_prefix(group_by) if isinstance(group_by, int) else group_by
    groups: dict[Value, str] = {}
    fed: dict[Value, set[str | None]] = {}  # node -> groups of the nodes it feeds
    for node in reversed(order):  # every consumer comes before the nodes it consumes
        group = key(node)
        if group is None and not node.label:
            consumers = fed.get(node, {None})
            group = next(iter(consumers)) if len(consumers) == 1 else None
        if group is not None:
            groups[node] = str(group)
        for parent in node.parents:
            fed.setdefault(parent, set()).add(group)
    return groups


def members_in_order(order: list[Value], groups: dict[Value, str]) -> dict[str, list[Value]]:
    """Each group's nodes in walk order; groups in name order, reading numbers as numbers
    (``neurons.2`` before ``neurons.10``), so neurons are drawn in their order."""
    members: dict[str, list[Value]] = {}
    for node in order:
        if node in groups:
            members.setdefault(groups[node], []).append(node)
    return {name: members[name] for name in sorted(members, key=_natural)}


def _natural(name: str) -> list[tuple[int, int | str]]:
    return [(0, int(part)) if part.isdigit() else (1, part) for part in name.split(".")]


def frames(names: list[str]) -> dict[str, list[str]]:
    """Group names framed together: those sharing all but their last two dotted parts."""
    framed: dict[str, list[str]] = {}
    for name in names:
        parts = name.split(".")
        if len(parts) >= 3:
            framed.setdefault(".".join(parts[:-2]), []).append(name)
    return framed
