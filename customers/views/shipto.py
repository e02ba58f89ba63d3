"""The ShipTo tab: ship-to zones (R11) and links to shipping customers (R12)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST, require_safe

from certhub.errors import show_error
from companies.models import Role
from companies.tenancy import role_required
from companies.text import full_stop
from customers import services
from customers.forms import LinkForm, ZoneForm
from customers.models import ShipToLink
from customers.regions import REGION_NAMES
from customers.selectors import get_customer
from customers.views import render_tab, submit


def _render(request, customer, zone_form=None, link_form=None):
    zones = list(customer.zones.all())
    for zone in zones:
        zone.name = REGION_NAMES.get(zone.region, zone.region)
    links = (
        ShipToLink.objects.filter(Q(billing=customer) | Q(shipping=customer))
        .select_related("billing", "shipping")
        .order_by("created_at")
    )
    return render_tab(
        request,
        customer,
        "shipto",
        "customers/customer_shipto.html",
        {
            "zones": zones,
            "shipping_links": [link for link in links if link.billing_id == customer.pk],
            "billing_links": [link for link in links if link.shipping_id == customer.pk],
            "zone_form": zone_form or ZoneForm(),
            "link_form": link_form or LinkForm(),
        },
    )


@require_safe
def shipto(request, tenant_slug, public_id):
    return _render(request, get_customer(request.membership, public_id))


def _back(customer, tenant_slug):
    return redirect("customers:shipto", tenant_slug=tenant_slug, public_id=customer.public_id)


@role_required(Role.EDITOR)
@require_POST
def zone_add(request, tenant_slug, public_id):
    customer = get_customer(request.membership, public_id)
    form = ZoneForm(request.POST)
    if zone := submit(request, form, services.zone_add, customer=customer):
        messages.success(request, f"{REGION_NAMES[zone.region]} added as a ship-to zone.")
        return _back(customer, tenant_slug)
    return _render(request, customer, zone_form=form)


@role_required(Role.EDITOR)
@require_POST
def zone_remove(request, tenant_slug, public_id, zone_id):
    customer = get_customer(request.membership, public_id)
    zone = get_object_or_404(customer.zones, public_id=zone_id)
    services.zone_remove(zone=zone, actor=request.user)
    messages.success(request, f"{REGION_NAMES.get(zone.region, zone.region)} removed.")
    return _back(customer, tenant_slug)


@role_required(Role.EDITOR)
@require_POST
def link_add(request, tenant_slug, public_id):
    customer = get_customer(request.membership, public_id)
    form = LinkForm(request.POST)
    if link := submit(request, form, services.link_add, billing=customer):
        messages.success(request, f"{link.shipping} linked as a shipping customer.")
        return _back(customer, tenant_slug)
    return _render(request, customer, link_form=form)


@role_required(Role.EDITOR)
@require_POST
def link_remove(request, tenant_slug, public_id, link_id):
    """Unlink, from either side of the link (R12)."""
    customer = get_customer(request.membership, public_id)
    link: ShipToLink = get_object_or_404(
        ShipToLink.objects.filter(Q(billing=customer) | Q(shipping=customer)).select_related(
            "billing", "shipping"
        ),
        public_id=link_id,
    )
    try:
        services.link_remove(link=link, actor=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            f"{link.shipping} is no longer a shipping customer of {full_stop(str(link.billing))}",
        )
    return _back(customer, tenant_slug)
