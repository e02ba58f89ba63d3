"""Every write to tenants, memberships and the company tree (R2, R5, R6, R48).

All tree writes go through this module and run under a per-tenant PostgreSQL advisory lock:
django-mptt recomputes lft/rght from rows it has read, so two unlocked concurrent writes to one
tree can corrupt it.
"""

import secrets
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import PROTECT

from certhub.errors import DomainError
from companies.models import Company, Membership, Role, Tenant
from companies.tenancy import reachable_companies
from companies.text import strip_invisible
from companies.updates import KEEP, Keep, given

TREE_LOCK_KEY = 7_114_001  # first key of pg_advisory_xact_lock(int, int); the tenant is the second


def lock_tree(tenant: Tenant) -> None:
    """Serialise writes to one tenant's tree until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [TREE_LOCK_KEY, tenant.pk])


# --- tenants and memberships -------------------------------------------------------------------


@transaction.atomic
def tenant_create(
    *, slug: str, name: str, owner_email: str
) -> tuple[Tenant, AbstractUser, str | None]:
    """Create a tenant and its owner; returns the one-time password if the user is new (R48)."""
    if Tenant.objects.filter(slug=slug).exists():
        raise DomainError({"slug": f"A tenant with the slug {slug!r} already exists."})
    validate_email(owner_email)
    tenant = Tenant(slug=slug, name=name)
    tenant.full_clean()  # a malformed slug would make /t/<slug>/ unreachable
    tenant.save()
    User = get_user_model()
    password = None
    user = User.objects.filter(email__iexact=owner_email).first()
    if user is None:
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(email=owner_email, password=password)
    # A new tenant has no scope yet to enter; creating rows needs none (companies.scoping).
    Membership.objects.create(tenant=tenant, user=user, role=Role.OWNER)
    return tenant, user, password


# An actor_membership of None is a platform operator (a superuser in the Django admin): no limit
# on roles or companies, but the tenant still keeps an owner.


def _check_can_grant(actor_membership: Membership | None, role: str) -> None:
    if actor_membership is None:
        return
    if role in (Role.ADMIN, Role.OWNER) and not actor_membership.has_role(Role.OWNER):
        raise DomainError({"role": "Only an owner can grant or change the admin and owner roles."})


def _check_within_reach(actor_membership: Membership | None, companies: Sequence[Company]) -> None:
    """An admin limited to some companies manages only members limited to those (R2).

    Otherwise such an admin could add an account reaching every company and log in with it.
    """
    if actor_membership is None or not actor_membership.is_limited:
        return
    reach = set(reachable_companies(actor_membership).values_list("pk", flat=True))
    if not companies or any(company.pk not in reach for company in companies):
        raise DomainError(
            {"companies": "You can only give access to companies you reach yourself."}
        )


def check_membership_change(
    *,
    actor_membership: Membership | None,
    role: str,
    companies: Iterable[Company] = (),
    membership: Membership | None = None,
) -> None:
    """May the actor give `membership` (None: a new one) this role and these companies? (R2)

    Only owners grant or take away the admin and owner roles; a limited admin stays within its
    companies; the last owner stays an owner. Raises DomainError with the reason.
    """
    _check_can_grant(actor_membership, role)
    if membership is not None:
        check_membership_removal(
            actor_membership=actor_membership, membership=membership, keeps_owner=role == Role.OWNER
        )
    _check_within_reach(actor_membership, list(companies))


def check_membership_removal(
    *, actor_membership: Membership | None, membership: Membership, keeps_owner: bool = False
) -> None:
    if membership.role in (Role.ADMIN, Role.OWNER):
        _check_can_grant(actor_membership, membership.role)
    _check_within_reach(actor_membership, list(membership.companies.all()))
    if membership.role == Role.OWNER and not keeps_owner:
        _ensure_another_owner(membership)


@transaction.atomic
def membership_update(
    *,
    membership: Membership,
    actor_membership: Membership | None,
    role: str,
    companies: Iterable[Company] = (),
) -> Membership:
    check_membership_change(
        actor_membership=actor_membership, role=role, companies=companies, membership=membership
    )
    membership.role = role
    membership.save(update_fields=["role"])
    membership.companies.set(companies)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor_membership: Membership | None) -> None:
    check_membership_removal(actor_membership=actor_membership, membership=membership)
    membership.delete()


def _ensure_another_owner(membership: Membership) -> None:
    # Row locks on every owner, in one order: two owners stepping down at once must not both
    # succeed, nor deadlock. After the wait PostgreSQL re-checks the role of a row another
    # transaction changed, so the second one sees the first is no longer an owner.
    owners = (
        Membership.objects.select_for_update()
        .filter(tenant_id=membership.tenant_id, role=Role.OWNER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not [pk for pk in owners if pk != membership.pk]:
        raise DomainError("A tenant needs at least one owner; make someone else owner first.")


# --- the company tree --------------------------------------------------------------------------


# What a company holds besides its name, code and place in the tree (R5, R19, R63): the
# parameters of company_create and company_update after those.
COMPANY_DETAILS = [
    field.name
    for field in Company._meta.concrete_fields
    if field.editable and field.name not in ("id", "tenant", "name", "code", "parent")
]


@transaction.atomic
def company_create(
    *,
    tenant: Tenant,
    name: str,
    code: str,
    parent: Company | None = None,
    legal_name: str = "",
    fein: str = "",
    address_line1: str = "",
    address_line2: str = "",
    city: str = "",
    state: str = "",
    country: str = "",
    zip: str = "",
    contact_email: str = "",
    require_tax_fields: bool = False,
    exemption_reason: str = "",
    expiring_soon_days: int | None = None,
    address_validation: bool | None = None,
) -> Company:
    """A company of the tenant, a root or a child of `parent` placed in name order (R5, R6).
    Raises DomainError for a code already used in the tenant (case-insensitive), a parent
    in another tenant, or a field the model refuses."""
    details = given(locals(), COMPANY_DETAILS)
    lock_tree(tenant)
    code = strip_invisible(code or "")  # R42, R49: the key the import matches by
    if parent is not None and parent.tenant_id != tenant.pk:
        raise DomainError({"parent": "The parent company belongs to another tenant."})
    if Company.objects.filter(tenant=tenant, code__iexact=code).exists():
        raise DomainError({"code": f"The code {code!r} is already used in this tenant."})
    company = Company(tenant=tenant, name=name, code=code, **details)
    company.full_clean(exclude=["parent", "lft", "rght", "tree_id", "level"])
    if parent is None:
        company.save()  # a new tree, with a tree id from the sequence
    else:
        parent.refresh_from_db()
        target, position = _sorted_place(parent, name)
        Company.objects.insert_node(company, target, position, save=True)
    return company


def _sorted_place(
    parent: Company, name: str, exclude: Company | None = None
) -> tuple[Company, str]:
    """Where a child named `name` goes so that siblings stay in name order.

    Placing relative to a sibling never renumbers trees (unlike mptt's order_insertion_by,
    which also orders roots and so shifts every later tree id across tenants).
    """
    siblings = parent.get_children().filter(name__gt=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    sibling = siblings.order_by("lft").first()
    return (sibling, "left") if sibling else (parent, "last-child")


@transaction.atomic
def company_update(
    *,
    company: Company,
    name: str | Keep = KEEP,
    code: str | Keep = KEEP,
    legal_name: str | Keep = KEEP,
    fein: str | Keep = KEEP,
    address_line1: str | Keep = KEEP,
    address_line2: str | Keep = KEEP,
    city: str | Keep = KEEP,
    state: str | Keep = KEEP,
    country: str | Keep = KEEP,
    zip: str | Keep = KEEP,
    contact_email: str | Keep = KEEP,
    require_tax_fields: bool | Keep = KEEP,
    exemption_reason: str | Keep = KEEP,
    expiring_soon_days: int | None | Keep = KEEP,
    address_validation: bool | None | Keep = KEEP,
) -> Company:
    """Change the fields given (renaming included; the rest keep their values); the tree
    position stays, in name order among its siblings. ValidationError as company_create's."""
    fields = given(locals(), ["name", "code", *COMPANY_DETAILS])
    lock_tree(company.tenant)
    if "code" in fields:
        fields["code"] = strip_invisible(fields["code"] or "")  # R42, R49, as imports match
    code = fields.get("code", company.code)
    clash = Company.objects.filter(tenant=company.tenant, code__iexact=code).exclude(pk=company.pk)
    if clash.exists():
        raise DomainError({"code": f"The code {code!r} is already used in this tenant."})
    company.refresh_from_db(fields=["lft", "rght", "tree_id", "level", "parent"])
    for name, value in fields.items():
        setattr(company, name, value)
    company.full_clean(exclude=["parent", "lft", "rght", "tree_id", "level"])
    company.save()
    if "name" in fields and company.parent_id:
        target, position = _sorted_place(company.parent, company.name, exclude=company)
        company.move_to(target, position)
    return company


@transaction.atomic
def company_move(*, company: Company, new_parent: Company | None) -> Company:
    """Move a company (and its subtree) under another company, or make it a root (R6)."""
    lock_tree(company.tenant)
    company.refresh_from_db()
    if new_parent is not None:
        new_parent.refresh_from_db()
        if new_parent.tenant_id != company.tenant_id:
            raise DomainError({"parent": "A company cannot move into another tenant."})
        if new_parent.pk == company.pk or new_parent.is_descendant_of(company):
            raise DomainError(
                {"parent": "A company cannot move under itself or one of its descendants."}
            )
    if new_parent is None and company.parent_id is None:
        return company
    if new_parent is None:
        company.move_to(None)  # becomes a root: a new tree id from the sequence
    else:
        company.move_to(*_sorted_place(new_parent, company.name, exclude=company))
    company.refresh_from_db()
    return company


def company_holdings(company: Company) -> list[str]:
    """What still hangs on a company, e.g. ["2 child companies", "14 customers"] (R6).

    Found through the protected relations pointing at Company, so the apps built on companies
    (customers, documents) are counted without this module importing them.
    """
    held = []
    for relation in company._meta.related_objects:
        if relation.many_to_many or relation.on_delete is not PROTECT:
            continue
        rows = relation.related_model._base_manager.filter(**{relation.field.name: company})
        count = rows.count()
        if count:
            if relation.related_model is Company:
                label = "child company" if count == 1 else "child companies"
            else:
                meta = relation.related_model._meta
                label = str(meta.verbose_name if count == 1 else meta.verbose_name_plural)
            held.append(f"{count} {label}")
    # Deleting the company would drop it from these memberships' limits, and a membership
    # left with no limit reaches every company (R2).
    limited = Membership._base_manager.filter(companies=company).count()
    if limited:
        held.append(f"{limited} member{'s' if limited > 1 else ''} limited to it")
    return held


@transaction.atomic
def company_delete(*, company: Company) -> None:
    lock_tree(company.tenant)
    company.refresh_from_db()
    held = company_holdings(company)
    if held:
        raise DomainError(
            f"{company.name} cannot be deleted: it still holds {', '.join(held)}. "
            "Move or delete them first."
        )
    company.delete()


# --- checking and repairing a tree (R53) ------------------------------------------------------


def tree_problems(*, tenant: Tenant) -> list[str]:
    """What is wrong with the tenant's tree, one line per company or tree id; [] when the mptt
    fields (tree id, lft, rght, level) agree with the parent links and no tree id is shared."""
    return _tree_plan(tenant).problems


@transaction.atomic
def tree_repair(*, tenant: Tenant) -> int:
    """Recompute the tenant's mptt fields from its parent links, under its tree lock; returns
    how many companies changed. Only this tenant's rows are written: a root whose tree id is
    also another tenant's (or another root's) gets a new one from the sequence. Siblings keep
    their order. Raises DomainError when parent links form a cycle (nothing written)."""
    lock_tree(tenant)
    plan = _tree_plan(tenant)
    if plan.unreachable:
        raise DomainError(
            f"Companies {', '.join(plan.unreachable)} are not under any root company "
            "(their parent links form a cycle); fix their parents first."
        )
    with connection.cursor() as cursor:
        for root_id in plan.new_tree_ids:
            cursor.execute("SELECT nextval('companies_company_tree_id_seq')")
            plan.assign_tree_id(root_id, cursor.fetchone()[0])
        changed = plan.changed()
        if changed:
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(changed))
            cursor.execute(
                f"""UPDATE companies_company c SET tree_id = v.tree_id, lft = v.lft,
                           rght = v.rght, level = v.level
                    FROM (VALUES {values}) AS v(id, tree_id, lft, rght, level)
                    WHERE c.id = v.id AND c.tenant_id = %s""",  # noqa: S608
                [x for row in changed for x in row] + [tenant.pk],
            )
    return len(changed)


class _Node(NamedTuple):
    id: int
    parent_id: int | None
    code: str
    name: str
    tree_id: int
    lft: int
    rght: int
    level: int


class _TreePlan:
    """The tenant's companies as stored, and as their parent links say they should be."""

    def __init__(self, nodes: list[_Node], foreign_tree_ids: set[int]):
        self.stored = {node.id: node for node in nodes}
        self.expected: dict[int, list] = {}  # id: [tree_id, lft, rght, level]
        self.root_of: dict[int, int] = {}
        self.new_tree_ids: list[int] = []  # roots whose tree id is shared
        self.problems: list[str] = []
        children: dict[int | None, list[_Node]] = {}
        for node in nodes:
            children.setdefault(node.parent_id, []).append(node)
        for siblings in children.values():
            siblings.sort(key=lambda n: (n.lft, n.name, n.id))  # the stored order, then name
        seen = set()
        for root in sorted(children.get(None, []), key=lambda n: (n.tree_id, n.id)):
            if root.tree_id in foreign_tree_ids or root.tree_id in seen:
                whose = (
                    "another tenant"
                    if root.tree_id in foreign_tree_ids
                    else "another root company of this tenant"
                )
                self.problems.append(f"{root.code}: tree id {root.tree_id} is shared with {whose}")
                self.new_tree_ids.append(root.id)
            seen.add(root.tree_id)
            self._number(root, children)
        self.unreachable = sorted(n.code for n in nodes if n.id not in self.expected)
        self.problems += [
            f"{code}: not under any root company (its parents form a cycle)"
            for code in self.unreachable
        ]
        for pk, (tree_id, lft, rght, level) in self.expected.items():
            node = self.stored[pk]
            if (node.tree_id, node.lft, node.rght, node.level) != (tree_id, lft, rght, level):
                self.problems.append(
                    f"{node.code}: tree {node.tree_id}, lft {node.lft}, rght {node.rght}, "
                    f"level {node.level}; expected tree {tree_id}, lft {lft}, rght {rght}, "
                    f"level {level}"
                )

    def _number(self, root: _Node, children) -> None:
        """Nested-set numbers of the root's tree, depth first (no recursion: deep trees)."""
        counter, stack = 1, [(root, 0, False)]
        while stack:
            node, level, closing = stack.pop()
            if closing:
                self.expected[node.id][2] = counter
            else:
                self.expected[node.id] = [root.tree_id, counter, None, level]
                self.root_of[node.id] = root.id
                stack.append((node, level, True))
                kids = reversed(children.get(node.id, []))
                stack += [(child, level + 1, False) for child in kids]
            counter += 1

    def assign_tree_id(self, root_id: int, tree_id: int) -> None:
        for pk, root in self.root_of.items():
            if root == root_id:
                self.expected[pk][0] = tree_id

    def changed(self) -> list[tuple]:
        """(id, tree_id, lft, rght, level) of the companies whose stored values differ."""
        return [
            (pk, *values)
            for pk, values in self.expected.items()
            if tuple(values) != self.stored[pk][4:]
        ]


def _tree_plan(tenant: Tenant) -> _TreePlan:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT id, parent_id, code, name, tree_id, lft, rght, level
                          FROM companies_company WHERE tenant_id = %s ORDER BY id""",
            [tenant.pk],
        )
        nodes = [_Node(*row) for row in cursor.fetchall()]
        cursor.execute(
            """SELECT DISTINCT tree_id FROM companies_company
                          WHERE tenant_id <> %s AND tree_id = ANY(%s)""",
            [tenant.pk, list({n.tree_id for n in nodes})],
        )
        foreign = {tree_id for (tree_id,) in cursor.fetchall()}
    return _TreePlan(nodes, foreign)
