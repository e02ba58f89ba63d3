"""The tenant's security log for its owners (R52)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from companies.models import Membership, Role
from companies.tenancy import role_required
from security.models import SecurityEvent

PAGE_SIZE = 50


@role_required(Role.OWNER)
@require_safe
def security_log(request, tenant_slug):
    """Denied accesses in this tenant, newest first (the request runs in the tenant's scope).

    An account that is not a member is not named: the owners of one tenant learn nothing of
    other accounts (R50), only that a non-member was refused; superusers see who in the admin.
    """
    events = SecurityEvent.objects.select_related("user").order_by("-created_at", "-id")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    members = set(Membership.objects.values_list("user_id", flat=True))
    for event in page:
        event.shown_user = event.user.email if event.user and event.user_id in members else ""
    return render(
        request,
        "security/security_log.html",
        {"page_obj": page, "events": page.object_list, "query_string": ""},
    )
