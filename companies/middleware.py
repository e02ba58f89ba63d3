"""Runs every tenant page inside its tenant's scope (R1, R3, R4).

A URL under `/t/<tenant_slug>/` resolves its tenant here. An anonymous visitor goes to the
login page; a user without a membership gets the same 404 as for a tenant that does not exist.
The view, its template rendering included, then runs inside `scope(tenant=...)`, so any query of
tenant-owned data is filtered to this tenant, and a query with no scope raises.
The Django admin runs with scopes disabled: it filters by the tenants a staff user administers.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import Resolver404, resolve
from django_scopes import scope, scopes_disabled
from pghistory.middleware import HistoryMiddleware as PghistoryMiddleware

from companies.models import Membership, Tenant
from companies.tenancy import load_working_company


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.namespace == "admin" or match.app_name == "admin":
            with scopes_disabled():
                return self.get_response(request)
        slug = match.kwargs.get("tenant_slug")
        if slug is None:
            return self.get_response(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        tenant = Tenant.objects.filter(slug=slug).first()
        request.requested_tenant = tenant  # for the security log of denied accesses (R52)
        if tenant is None:
            raise Http404("No such tenant.")
        with scope(tenant=tenant.pk):
            membership = (
                Membership.objects.filter(user=request.user).prefetch_related("companies").first()
            )
            if membership is None:
                raise Http404("No such tenant.")
            request.tenant = tenant
            request.membership = membership
            request.working_company = load_working_company(request)
            return self.get_response(request)


# URL kwargs that are keys in themselves: a certificate request link's token (R28), a password
# reset link's token.
SECRET_URL_KWARGS = ("token", "uidb64")


def redacted_path(request) -> str:
    """The request's path with its secret parts replaced, fit to be stored."""
    path = request.path
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return path
    for name in SECRET_URL_KWARGS:
        value = match.kwargs.get(name)
        if value:
            path = path.replace(str(value), f"<{name}>")
    return path


class HistoryMiddleware(PghistoryMiddleware):
    """pghistory's middleware, which stores the URL of each request with the history rows it
    writes (R14), minus the URL's secrets: a request link's token must live only in the email
    (R28), not in history rows that staff and database dumps read."""

    def get_context(self, request):
        return {**super().get_context(request), "url": redacted_path(request)}
