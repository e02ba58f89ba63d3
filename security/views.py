"""The tenant's security log for its owners (R52)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from companies.models import Role
from companies.tenancy import role_required
from security.models import SecurityEvent

PAGE_SIZE = 50


@role_required(Role.OWNER)
@require_safe
def security_log(request, tenant_slug):
    """Denied accesses in this tenant, newest first (the request runs in the tenant's scope)."""
    events = SecurityEvent.objects.select_related("user").order_by("-created_at", "-id")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "security/security_log.html",
                  {"page_obj": page, "events": page.object_list, "query_string": ""})
