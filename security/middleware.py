"""Records denied accesses to tenant pages in the security log (R52): a 404 (another tenant's
or an unreachable company's record, a tenant the user is not a member of, R3) and a 403 (a role
too low). Sits just outside `companies.middleware.TenantMiddleware`, so it also sees the 404 that
middleware answers for a tenant without membership."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from security.log import record
from security.models import EventKind

DENIED = {403: EventKind.FORBIDDEN, 404: EventKind.NOT_FOUND}
# Set on the request by TenantMiddleware: the tenant named in the URL (None: no such tenant).
REQUESTED_TENANT_ATTR = "requested_tenant"
DETAIL_ATTR = "_security_detail"


class SecurityLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        kind = DENIED.get(response.status_code)
        if kind is not None and hasattr(request, REQUESTED_TENANT_ATTR):
            record(
                request,
                kind,
                tenant=getattr(request, REQUESTED_TENANT_ATTR),
                detail=getattr(request, DETAIL_ATTR, "") or _detail(request),
            )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied | Http404):
            setattr(request, DETAIL_ATTR, str(exception))
        return None


def _detail(request) -> str:
    if getattr(request, REQUESTED_TENANT_ATTR) is None:
        return "No such tenant."
    if not hasattr(request, "membership"):
        return "Not a member of this tenant."
    return ""
