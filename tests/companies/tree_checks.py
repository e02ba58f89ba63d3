"""An independent check of the company trees: recompute lft/rght/level from the parent links
and compare with what django-mptt stored (R6)."""

from collections import defaultdict

from django_scopes import scopes_disabled

from companies.models import Company


def tree_problems() -> list[str]:
    """Every way the stored trees differ from a fresh recomputation; [] when they are sound."""
    with scopes_disabled():
        rows = list(
            Company.objects.values(
                "pk", "tenant_id", "parent_id", "tree_id", "lft", "rght", "level"
            )
        )
    by_pk = {row["pk"]: row for row in rows}
    children = defaultdict(list)
    roots = defaultdict(list)
    for row in rows:
        if row["parent_id"] is None:
            roots[row["tree_id"]].append(row)
        else:
            children[row["parent_id"]].append(row)
    problems = []
    tenants_of_tree = defaultdict(set)
    for row in rows:
        tenants_of_tree[row["tree_id"]].add(row["tenant_id"])
        parent = by_pk.get(row["parent_id"])
        if parent and (parent["tree_id"], parent["tenant_id"]) != (
            row["tree_id"],
            row["tenant_id"],
        ):
            problems.append(f"company {row['pk']} is not in its parent's tree or tenant")
    for tree_id, tenant_ids in tenants_of_tree.items():
        if len(tenant_ids) > 1:
            problems.append(f"tree {tree_id} is shared by tenants {sorted(tenant_ids)}")
        if len(roots[tree_id]) != 1:
            problems.append(f"tree {tree_id} has {len(roots[tree_id])} roots")

    expected = {}

    def walk(node, counter, level):
        left = counter
        counter += 1
        # Sibling order is mptt's to keep; the numbering must be contiguous in that order.
        for child in sorted(children[node["pk"]], key=lambda c: c["lft"]):
            counter = walk(child, counter, level + 1)
        expected[node["pk"]] = (left, counter, level)
        return counter + 1

    for tree_roots in roots.values():
        for root in tree_roots:
            walk(root, 1, 0)
    for row in rows:
        stored = (row["lft"], row["rght"], row["level"])
        if expected.get(row["pk"]) != stored:
            problems.append(
                f"company {row['pk']}: stored {stored}, expected {expected.get(row['pk'])}"
            )
    return problems
