from companies.models import Membership
from companies.tenancy import reachable_companies


def tenancy(request):
    """What the top bar needs on every page: tenants, the working company and its picker; and
    what the member may do (`can_edit`, `can_admin`, `is_owner`), which templates ask instead of
    comparing role names."""
    if not request.user.is_authenticated:
        return {}
    from django_scopes import scopes_disabled

    with scopes_disabled():
        memberships = list(
            Membership.objects.filter(user=request.user)
            .select_related("tenant")
            .order_by("tenant__name")
        )
    context: dict[str, object] = {"user_memberships": memberships}
    tenant = getattr(request, "tenant", None)
    if tenant is not None:
        context.update(
            tenant=tenant,
            membership=request.membership,
            can_edit=request.membership.can_edit,
            can_admin=request.membership.can_admin,
            is_owner=request.membership.is_owner,
            working_company=request.working_company,
            picker_companies=reachable_companies(request.membership).order_by("tree_id", "lft"),
        )
    return context
