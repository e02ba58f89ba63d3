"""Every write to tenants, memberships and the company tree (R2, R5, R6, R48).

All tree writes go through this module and run under a per-tenant PostgreSQL advisory lock:
django-mptt recomputes lft/rght from rows it has read, so two unlocked concurrent writes to one
tree can corrupt it.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import PROTECT
from django_scopes import scope

from companies.models import Company, Membership, Role, Tenant
from companies.tenancy import reachable_companies

TREE_LOCK_KEY = 7_114_001  # first key of pg_advisory_xact_lock(int, int); the tenant is the second


def lock_tree(tenant: Tenant) -> None:
    """Serialise writes to one tenant's tree until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [TREE_LOCK_KEY, tenant.pk])


# --- tenants and memberships -------------------------------------------------------------------


@transaction.atomic
def tenant_create(*, slug: str, name: str, owner_email: str) -> tuple[Tenant, object, str | None]:
    """Create a tenant and its owner; returns the one-time password if the user is new (R48)."""
    if Tenant.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"A tenant with the slug {slug!r} already exists."})
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
    with scope(tenant=tenant.pk):
        Membership.objects.create(tenant=tenant, user=user, role=Role.OWNER)
    return tenant, user, password


# An actor_membership of None is a platform operator (a superuser in the Django admin): no limit
# on roles or companies, but the tenant still keeps an owner.


def _check_can_grant(actor_membership: Membership | None, role: str) -> None:
    if actor_membership is None:
        return
    if role in (Role.ADMIN, Role.OWNER) and not actor_membership.has_role(Role.OWNER):
        raise ValidationError(
            {"role": "Only an owner can grant or change the admin and owner roles."})


def _check_within_reach(actor_membership: Membership | None, companies) -> None:
    """An admin limited to some companies manages only members limited to those (R2).

    Otherwise such an admin could add an account reaching every company and log in with it.
    """
    if actor_membership is None or not actor_membership.is_limited:
        return
    reach = set(reachable_companies(actor_membership).values_list("pk", flat=True))
    if not companies or any(company.pk not in reach for company in companies):
        raise ValidationError(
            {"companies": "You can only give access to companies you reach yourself."})


def check_membership_change(*, actor_membership: Membership | None, role: str, companies=(),
                            membership: Membership | None = None) -> None:
    """May the actor give `membership` (None: a new one) this role and these companies? (R2)

    Only owners grant or take away the admin and owner roles; a limited admin stays within its
    companies; the last owner stays an owner. Raises ValidationError with the reason.
    """
    _check_can_grant(actor_membership, role)
    if membership is not None:
        check_membership_removal(actor_membership=actor_membership, membership=membership,
                                 keeps_owner=role == Role.OWNER)
    _check_within_reach(actor_membership, list(companies))


def check_membership_removal(*, actor_membership: Membership | None, membership: Membership,
                             keeps_owner: bool = False) -> None:
    if membership.role in (Role.ADMIN, Role.OWNER):
        _check_can_grant(actor_membership, membership.role)
    _check_within_reach(actor_membership, list(membership.companies.all()))
    if membership.role == Role.OWNER and not keeps_owner:
        _ensure_another_owner(membership)


@transaction.atomic
def membership_add(
    *, tenant: Tenant, actor_membership: Membership | None, email: str, role: str, companies=()
) -> tuple[Membership, str | None]:
    """Add a user (created if needed) to the tenant; returns a one-time password for new users."""
    check_membership_change(actor_membership=actor_membership, role=role, companies=companies)
    User = get_user_model()
    password = None
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(email=email, password=password)
    # Filtered by tenant as well as scoped: the admin calls this with scopes disabled.
    if Membership.objects.filter(tenant=tenant, user=user).exists():
        raise ValidationError({"email": f"{email} is already a member of this tenant."})
    membership = Membership.objects.create(tenant=tenant, user=user, role=role)
    membership.companies.set(companies)
    return membership, password


@transaction.atomic
def membership_update(
    *, membership: Membership, actor_membership: Membership | None, role: str, companies=()
) -> Membership:
    check_membership_change(actor_membership=actor_membership, role=role, companies=companies,
                            membership=membership)
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
    owners = (Membership.objects.select_for_update()
              .filter(tenant_id=membership.tenant_id, role=Role.OWNER)
              .order_by("pk").values_list("pk", flat=True))
    if not [pk for pk in owners if pk != membership.pk]:
        raise ValidationError("A tenant needs at least one owner; make someone else owner first.")


# --- the company tree --------------------------------------------------------------------------


@transaction.atomic
def company_create(*, tenant: Tenant, name: str, code: str, parent: Company | None = None,
                   **details) -> Company:
    lock_tree(tenant)
    if parent is not None and parent.tenant_id != tenant.pk:
        raise ValidationError({"parent": "The parent company belongs to another tenant."})
    if Company.objects.filter(tenant=tenant, code__iexact=code).exists():
        raise ValidationError({"code": f"The code {code!r} is already used in this tenant."})
    company = Company(tenant=tenant, name=name, code=code, **details)
    company.full_clean(exclude=["parent", "lft", "rght", "tree_id", "level"])
    if parent is None:
        company.save()  # a new tree, with a tree id from the sequence
    else:
        parent.refresh_from_db()
        target, position = _sorted_place(parent, name)
        Company.objects.insert_node(company, target, position, save=True)
    return company


def _sorted_place(parent: Company, name: str, exclude: Company | None = None):
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
def company_update(*, company: Company, **fields) -> Company:
    """Change a company's details (renaming included); the tree position stays."""
    lock_tree(company.tenant)
    code = fields.get("code", company.code)
    clash = Company.objects.filter(tenant=company.tenant, code__iexact=code).exclude(pk=company.pk)
    if clash.exists():
        raise ValidationError({"code": f"The code {code!r} is already used in this tenant."})
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
            raise ValidationError({"parent": "A company cannot move into another tenant."})
        if new_parent.pk == company.pk or new_parent.is_descendant_of(company):
            raise ValidationError(
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
                label = meta.verbose_name if count == 1 else meta.verbose_name_plural
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
        raise ValidationError(
            f"{company.name} cannot be deleted: it still holds {', '.join(held)}. "
            "Move or delete them first."
        )
    company.delete()

