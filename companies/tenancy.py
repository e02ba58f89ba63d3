"""Tenancy helpers for views: roles, reachable companies, the working company (R2, R3, R7)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from companies.models import Company, Membership, Tenant


class TenantRequest(HttpRequest):
    """The type of a request to a tenant's pages: what companies.middleware sets on Django's
    request before the view runs (the request stays Django's own class)."""

    tenant: Tenant
    membership: Membership
    working_company: Company | None


V = TypeVar("V", bound=Callable[..., HttpResponse])


def role_required(role: str, *, methods: Iterable[str] | None = None) -> Callable[[V], V]:
    """A view for members of at least `role`; a lower role answers 403 (R3).

    With `methods` (e.g. ``("POST",)``) only those HTTP methods need the role: every member
    reads the page. The check runs before the request's body is read, so put this decorator
    first (outermost): a refused upload is never parsed nor stored (R56).
    """
    gated = {method.upper() for method in methods} if methods is not None else None

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: TenantRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            needs_role = gated is None or request.method in gated
            if needs_role and not request.membership.has_role(role):
                raise PermissionDenied(f"This needs the {role} role.")
            return view(request, *args, **kwargs)

        return cast(V, wrapped)  # takes what the view takes and answers as it does

    return decorator


def reachable_companies_q(membership: Membership, prefix: str = "") -> Q:
    """Companies a membership reaches: all, or the subtrees of its limited companies (R2)."""
    limited = list(membership.companies.all())
    if not limited:
        return Q()
    q = Q(pk__in=[])
    for company in limited:
        q |= company.subtree_q(prefix)
    return q


def reachable_companies(membership: Membership) -> QuerySet[Company]:
    return Company.objects.filter(reachable_companies_q(membership))


def get_company(membership: Membership, public_id: UUID | str) -> Company:
    """A company of this tenant that the membership reaches, else 404 (R3).

    The id may come from a form or a query string, so a malformed one is a 404 too, not a 500.
    """
    try:
        return reachable_companies(membership).get(public_id=public_id)
    except (Company.DoesNotExist, ValidationError, ValueError) as error:
        raise Http404("No such company.") from error


def _session_key(request) -> str:
    return f"working_company:{request.tenant.pk}"


def load_working_company(request) -> Company | None:
    """The company picked in the top bar, or the first reachable one (R7)."""
    companies = reachable_companies(request.membership)
    public_id = request.session.get(_session_key(request))
    company = companies.filter(public_id=public_id).first() if public_id else None
    if company is None:
        company = companies.order_by("tree_id", "lft").first()
    return company


def set_working_company(request, company: Company) -> None:
    request.session[_session_key(request)] = str(company.public_id)
    request.working_company = company


@dataclass(frozen=True)
class Workspace:
    """A member at work: the membership and its working company (R7). What selectors take
    instead of the HTTP request, so that commands, tasks and tests can call them too."""

    membership: Membership
    company: Company | None

    @classmethod
    def of(cls, request: "TenantRequest") -> "Workspace":
        """The workspace of a tenant request (set up by companies.middleware)."""
        return cls(request.membership, request.working_company)

    @property
    def tenant_id(self) -> int:
        return self.membership.tenant_id

    def companies(self, include_descendants: bool = False) -> QuerySet[Company]:
        """The working company, and its reachable descendants when asked (R7)."""
        if self.company is None:
            return Company.objects.none()
        if not include_descendants:
            return Company.objects.filter(pk=self.company.pk)
        return reachable_companies(self.membership).filter(self.company.subtree_q())


def working_companies(
    request: TenantRequest, include_descendants: bool = False
) -> QuerySet[Company]:
    """The working company, and its reachable descendants when asked (R7)."""
    return Workspace.of(request).companies(include_descendants)


def tenant_path(model, depth: int = 3) -> str | None:
    """How rows of `model` reach their tenant: "tenant" for a tenant-owned model,
    "batch__tenant" for one that belongs to a tenant-owned row, and so on; None when they do
    not (R4). The isolation test and the demo reset walk every model with it."""
    from companies.models import Tenant

    if model is Tenant:
        return None
    relations = [
        f
        for f in model._meta.get_fields()
        if f.is_relation and f.concrete and (f.many_to_one or f.one_to_one)
    ]
    for field in relations:
        if field.related_model is Tenant:
            return field.name
    if depth > 1:
        for field in relations:
            if field.related_model is not model:
                path = tenant_path(field.related_model, depth - 1)
                if path:
                    return f"{field.name}__{path}"
    return None
