"""The tree of bureaus as plain ids: who is above and below whom.

Read from one small query over every bureau (`Bureau.objects.parent_map()`: a province has
about 150 below it, the country a few thousand) and walked in Python. A recursive SQL query
(django-tree-queries' CTE, tried first) is one query too, but its answer cannot be kept: this
map can, and `indicators.cache.bureau_tree()` keeps it until a bureau changes, so that saving a
record finds the roll-ups above its bureau without a query.
"""

from __future__ import annotations

Tree = dict[int, int | None]  # bureau id → the id of the bureau above it (None at the top)


def above(tree: Tree, bureau_id: int) -> list[int]:
    """The bureau and every bureau above it, nearest first."""
    chain, seen = [bureau_id], {bureau_id}
    parent = tree.get(bureau_id)
    while parent is not None and parent not in seen:  # a cycle cannot be saved, but never loop
        chain.append(parent)
        seen.add(parent)
        parent = tree.get(parent)
    return chain


def children(tree: Tree, bureau_id: int) -> list[int]:
    """The bureaus directly below, by id."""
    return sorted(pk for pk, parent in tree.items() if parent == bureau_id)


def below(tree: Tree, bureau_id: int) -> list[int]:
    """Every bureau below, at any depth (not the bureau itself), by id."""
    found, todo = [], children(tree, bureau_id)
    while todo:
        pk = todo.pop(0)
        if pk != bureau_id and pk not in found:
            found.append(pk)
            todo += children(tree, pk)
    return sorted(found)


def lineage(tree: Tree, bureau_id: int) -> list[int]:
    """The bureau and every bureau below it."""
    return [bureau_id, *below(tree, bureau_id)]
