"""The Addresses & Contacts tab (R15-R18): addresses with purposes, contacts, their phones and
emails. Locked tax components (R18) are refused by the services; the forms show why."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST, require_safe

from certhub.errors import show_error
from companies.models import Role
from companies.tenancy import role_required
from customers import services
from customers.forms import AddressForm, ChannelForm, ContactForm
from customers.models import ContactChannel
from customers.selectors import (
    address_is_locked,
    addresses_with_lock,
    get_address,
    get_contact,
    get_customer,
)
from customers.settings_resolution import address_settings
from customers.views import render_tab, submit, warn_address_mismatch


def _back(customer, tenant_slug):
    return redirect("customers:addresses", tenant_slug=tenant_slug, public_id=customer.public_id)


@require_safe
def addresses(request, tenant_slug, public_id):
    return _addresses_page(request, get_customer(request.membership, public_id))


def _addresses_page(request, customer, contact_form=None, channel_form=None, owner=None):
    """The tab; a refused form comes back bound, with its errors beside its fields: the contact
    form, or `channel_form` under the address or contact `owner` it was posted for."""
    addresses = list(addresses_with_lock(customer))
    address_settings(addresses, tenant=request.tenant, customer=customer)
    contacts = list(customer.contacts.prefetch_related("channels"))
    for record in (*addresses, *contacts):
        mine = owner is not None and type(record) is type(owner) and record.pk == owner.pk
        record.channel_form = channel_form if mine else ChannelForm()
    return render_tab(
        request,
        customer,
        "addresses",
        "customers/customer_addresses.html",
        {
            "addresses": addresses,
            "contacts": contacts,
            "contact_form": contact_form or ContactForm(),
        },
    )


def _address_page(request, customer, form, address=None):
    return render_tab(
        request,
        customer,
        "addresses",
        "customers/record_form.html",
        {
            "form": form,
            "title": f"Edit address {address}" if address else "Add address",
            "locked": address is not None and address_is_locked(address),
        },
    )


@role_required(Role.EDITOR)
def address_add(request, tenant_slug, public_id):
    customer = get_customer(request.membership, public_id)
    form = AddressForm(request.POST or None, initial={"is_active": True})
    if address := submit(request, form, services.address_create, customer=customer):
        messages.success(request, "Address added.")
        warn_address_mismatch(request, address)
        return _back(customer, tenant_slug)
    return _address_page(request, customer, form)


@role_required(Role.EDITOR)
def address_edit(request, tenant_slug, public_id, address_id):
    customer = get_customer(request.membership, public_id)
    address = get_address(customer, address_id)
    form = AddressForm(request.POST or None, instance=get_address(customer, address_id))
    if submit(request, form, services.address_update, address=address):
        messages.success(request, "Address saved.")
        warn_address_mismatch(request, address)
        return _back(customer, tenant_slug)
    return _address_page(request, customer, form, address)


@role_required(Role.EDITOR)
@require_POST
def address_toggle(request, tenant_slug, public_id, address_id):
    """Make an address inactive, or active again (R17)."""
    customer = get_customer(request.membership, public_id)
    address = get_address(customer, address_id)
    try:
        services.address_update(
            address=address, actor=request.user, is_active=not address.is_active
        )
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(
            request, f"Address {address} is now {'active' if address.is_active else 'inactive'}."
        )
    return _back(customer, tenant_slug)


@role_required(Role.EDITOR)
@require_POST
def contact_add(request, tenant_slug, public_id):
    customer = get_customer(request.membership, public_id)
    form = ContactForm(request.POST)
    if contact := submit(request, form, services.contact_create, customer=customer):
        messages.success(request, f"Contact {contact.name} added.")
        return _back(customer, tenant_slug)
    return _addresses_page(request, customer, contact_form=form)


@role_required(Role.EDITOR)
def contact_edit(request, tenant_slug, public_id, contact_id):
    customer = get_customer(request.membership, public_id)
    contact = get_contact(customer, contact_id)
    form = ContactForm(request.POST or None, instance=get_contact(customer, contact_id))
    if submit(request, form, services.contact_update, contact=contact):
        messages.success(request, f"Contact {contact.name} saved.")
        return _back(customer, tenant_slug)
    return render_tab(
        request,
        customer,
        "addresses",
        "customers/record_form.html",
        {"form": form, "title": f"Edit contact {contact.name}"},
    )


@role_required(Role.EDITOR)
@require_POST
def contact_delete(request, tenant_slug, public_id, contact_id):
    customer = get_customer(request.membership, public_id)
    contact = get_contact(customer, contact_id)
    services.contact_delete(contact=contact, actor=request.user)
    messages.success(request, f"Contact {contact.name} removed.")
    return _back(customer, tenant_slug)


@role_required(Role.EDITOR)
@require_POST
def channel_add(request, tenant_slug, public_id, owner, owner_id):
    """A phone or email for an address (owner="address") or a contact (owner="contact")."""
    customer = get_customer(request.membership, public_id)
    target = (
        {"address": get_address(customer, owner_id)}
        if owner == "address"
        else {"contact": get_contact(customer, owner_id)}
    )
    form = ChannelForm(request.POST)
    if channel := submit(request, form, services.channel_add, **target):
        messages.success(request, f"{channel} added.")
        return _back(customer, tenant_slug)
    # Refused: the page again, what was typed kept and the error beside the field.
    return _addresses_page(request, customer, channel_form=form, owner=target[owner])


@role_required(Role.EDITOR)
@require_POST
def channel_remove(request, tenant_slug, public_id, channel_id):
    customer = get_customer(request.membership, public_id)
    mine = Q(address__customer=customer) | Q(contact__customer=customer)
    channel: ContactChannel = get_object_or_404(
        ContactChannel.objects.filter(mine), public_id=channel_id
    )
    services.channel_remove(channel=channel, actor=request.user)
    messages.success(request, f"{channel} removed.")
    return _back(customer, tenant_slug)
