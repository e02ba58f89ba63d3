"""Every write to customers, their ship-to zones and links, addresses and contacts (R8-R18).

Keyword-only functions, one transaction each, that validate, write and record who did it in
the history (pghistory's triggers write the rows; the context says who, R14).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from certhub.errors import DomainError
from companies.history import history_context
from companies.models import POSTAL_ADDRESS_FIELDS, Company, Tenant
from companies.text import full_stop
from companies.updates import KEEP, Keep, given
from customers.locking import check_address_lock, check_main_address_lock
from customers.models import (
    Address,
    ChannelKind,
    Contact,
    ContactChannel,
    Customer,
    CustomerKind,
    ShipToLink,
    ShipToZone,
)
from customers.regions import REGION_NAMES
from customers.settings_resolution import effective_setting
from customers.validation import clean_customer_values, phone_is_valid

# Fields of the customer record set from text (R8); kind and settings are set as they are.
CUSTOMER_TEXT_FIELDS = [
    "number",
    "alternate_id",
    "fein",
    "name1",
    "name2",
    "attention_name",
    *POSTAL_ADDRESS_FIELDS,
    "phone",
    "fax",
    "email",
]
CUSTOMER_OTHER_FIELDS = ["kind", "exemption_reason", "expiring_soon_days", "address_validation"]


def _delete(obj: ShipToZone | ShipToLink | Contact | ContactChannel, actor: User | None) -> None:
    with transaction.atomic(), history_context(actor):
        obj.delete()


def _number_taken(company: Company, number: str) -> DomainError:
    return DomainError(
        {"number": f"Customer number {number!r} is already used in {full_stop(company.name)}"}
    )


def check_number_free(company: Company, number: str, exclude_pk: int | None = None) -> None:
    taken = Customer.objects.filter(company=company, number=number)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise _number_taken(company, number)


def validates_address(
    values: dict,
    *,
    company: Company,
    customer: Customer | None = None,
    address: Address | None = None,
) -> bool:
    """Whether address validation (R63) is on for a record being written with `values`: its
    own setting (as given, else as stored), else what it inherits (R19)."""
    record = address or customer
    own = values.get("address_validation", getattr(record, "address_validation", None))
    if own is not None:
        return bool(own)
    if address is not None:
        return bool(
            effective_setting(
                "address_validation", customer=address.customer, tenant=company.tenant
            )[0]
        )
    return bool(effective_setting("address_validation", company=company, tenant=company.tenant)[0])


def _clean_customer(
    values: dict[str, Any], company: Company, customer: Customer | None = None
) -> dict[str, Any]:
    text = {k: v for k, v in values.items() if k in CUSTOMER_TEXT_FIELDS}
    cleaned, errors = clean_customer_values(
        text,
        require_tax_fields=company.require_tax_fields,
        validate_address=validates_address(values, company=company, customer=customer),
    )
    if errors:
        raise DomainError(errors)
    return {**values, **cleaned}


def customer_create(
    *,
    tenant: Tenant,
    company: Company,
    actor: User | None = None,
    number: str = "",
    alternate_id: str = "",
    fein: str = "",
    name1: str = "",
    name2: str = "",
    attention_name: str = "",
    address_line1: str = "",
    address_line2: str = "",
    city: str = "",
    state: str = "",
    country: str = "",
    zip: str = "",
    phone: str = "",
    fax: str = "",
    email: str = "",
    kind: str = CustomerKind.BILL_TO,
    exemption_reason: str = "",
    expiring_soon_days: int | None = None,
    address_validation: bool | None = None,
) -> Customer:
    """A customer in the company picked (R7), its number unique there after trimming (R8-R10).
    Raises DomainError naming the fields that are refused (a blank number or name, a taken
    number, a state or ZIP that does not fit the country)."""
    values = given(locals(), CUSTOMER_TEXT_FIELDS + CUSTOMER_OTHER_FIELDS)
    with transaction.atomic(), history_context(actor):
        values = _clean_customer(values, company)
        check_number_free(company, values["number"])
        customer = Customer(tenant=tenant, company=company, **values)
        customer.full_clean(exclude=["tenant", "company"], validate_unique=False)
        _save_customer(customer)
    return customer


def _save_customer(customer: Customer) -> None:
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as error:  # a concurrent save took the number first
        raise _number_taken(customer.company, customer.number) from error


def customer_update(
    *,
    customer: Customer,
    actor: User | None = None,
    number: str | Keep = KEEP,
    alternate_id: str | Keep = KEEP,
    fein: str | Keep = KEEP,
    name1: str | Keep = KEEP,
    name2: str | Keep = KEEP,
    attention_name: str | Keep = KEEP,
    address_line1: str | Keep = KEEP,
    address_line2: str | Keep = KEEP,
    city: str | Keep = KEEP,
    state: str | Keep = KEEP,
    country: str | Keep = KEEP,
    zip: str | Keep = KEEP,
    phone: str | Keep = KEEP,
    fax: str | Keep = KEEP,
    email: str | Keep = KEEP,
    kind: str | Keep = KEEP,
    exemption_reason: str | Keep = KEEP,
    expiring_soon_days: int | None | Keep = KEEP,
    address_validation: bool | None | Keep = KEEP,
) -> Customer:
    """Change the fields given (the rest keep their values); a locked main address refuses
    its tax components (R18). ValidationError as customer_create's."""
    values = given(locals(), CUSTOMER_TEXT_FIELDS + CUSTOMER_OTHER_FIELDS)
    with transaction.atomic(), history_context(actor):
        values = _clean_customer(values, customer.company, customer)
        check_main_address_lock(customer, values)
        if "number" in values:
            check_number_free(customer.company, values["number"], exclude_pk=customer.pk)
        for name, value in values.items():
            setattr(customer, name, value)
        customer.full_clean(exclude=["tenant", "company"], validate_unique=False)
        _save_customer(customer)
        customer.refresh_from_db(fields=["tax_ready"])
    return customer


def customer_set_active(*, customer: Customer, active: bool, actor: User | None = None) -> Customer:
    """Make a customer active again (or inactive) by hand (R59); recorded in its history."""
    with transaction.atomic(), history_context(actor):
        customer.is_active = active
        customer.save(update_fields=["is_active", "updated_at"])
    return customer


def customer_delete(*, customer: Customer, actor: User | None = None) -> None:
    """Delete a customer with no documents; its addresses, zones and links go with it."""
    with transaction.atomic(), history_context(actor):
        count = customer.documents.count()
        if count:
            raise DomainError(
                f"{customer} has {count} document{'s' if count != 1 else ''} on file and cannot "
                "be deleted. Void or move its documents first."
            )
        customer.delete()


# --- ship-to zones and links (R11, R12) ---------------------------------------------------------


def zone_add(*, customer: Customer, region: str, actor: User | None = None) -> ShipToZone:
    region = (region or "").strip().upper()
    if region not in REGION_NAMES:
        raise DomainError({"region": f"{region!r} is not a US state or Canadian province."})
    with transaction.atomic(), history_context(actor):
        if customer.zones.filter(region=region).exists():
            raise DomainError(
                {
                    "region": f"{REGION_NAMES[region]} is already a ship-to zone of "
                    f"{full_stop(str(customer))}"
                }
            )
        return ShipToZone.objects.create(
            tenant_id=customer.tenant_id, customer=customer, region=region
        )


def zone_remove(*, zone: ShipToZone, actor: User | None = None) -> None:
    _delete(zone, actor)


def check_link(*, billing: Customer, shipping: Customer, exclude_pk: int | None = None) -> None:
    """R12, for every way a link is made by hand (the app, the admin): another customer of the
    billing customer's company, not linked to it yet; the billing side a bill-to customer, the
    shipping side a ship-to customer. (Imports link as their rows say: a file may name a bill-to
    customer as another's shipping customer, and the import keeps it.)"""
    if shipping.company_id != billing.company_id:
        raise DomainError(
            f"{shipping} is a customer of another company: link customers of "
            f"{billing.company.name} only."
        )
    if shipping.pk == billing.pk:
        raise DomainError("A customer cannot be its own shipping customer.")
    if billing.kind != CustomerKind.BILL_TO:
        raise DomainError(
            f"{billing} is a ship-to customer and cannot have shipping customers: link it from "
            "its bill-to customer, or make it a bill-to customer first."
        )
    if shipping.kind != CustomerKind.SHIP_TO:
        raise DomainError(
            f"{shipping} is a bill-to customer: link a ship-to customer, or make "
            f"{shipping.number} a ship-to customer first."
        )
    links = ShipToLink.objects.filter(billing=billing, shipping=shipping)
    if exclude_pk:
        links = links.exclude(pk=exclude_pk)
    if links.exists():
        raise DomainError(f"{shipping} is already linked to {full_stop(str(billing))}")


def link_add(*, billing: Customer, shipping_number: str, actor: User | None = None) -> ShipToLink:
    """Link a shipping customer of the same company, found by its number (R12)."""
    number = (shipping_number or "").strip()
    if not number:
        raise DomainError({"shipping_number": "Enter the shipping customer's number."})
    with transaction.atomic(), history_context(actor):
        shipping = Customer.objects.filter(company_id=billing.company_id, number=number).first()
        if shipping is None:
            raise DomainError(
                {
                    "shipping_number": (
                        f"No customer with number {number!r} in {full_stop(billing.company.name)} Add the "  # noqa: E501
                        "shipping customer first, then link it."
                    )
                }
            )
        try:
            check_link(billing=billing, shipping=shipping)
        except ValidationError as error:
            raise DomainError({"shipping_number": error.messages}) from error
        return ShipToLink.objects.create(
            tenant_id=billing.tenant_id, billing=billing, shipping=shipping
        )


def link_remove(*, link: ShipToLink, actor: User | None = None) -> None:
    _delete(link, actor)


# --- addresses, contacts and their channels (R15-R18) -------------------------------------------

ADDRESS_FIELDS = [
    "label",
    "line1",
    "line2",
    "city",
    "county",
    "state",
    "country",
    "zip",
    "is_bill_to",
    "is_ship_to",
    "is_statements",
    "is_active",
    "exemption_reason",
    "expiring_soon_days",
    "address_validation",
]


def _clean_address(
    values: dict[str, Any], customer: Customer, address: Address | None = None
) -> dict[str, Any]:
    text: dict[str, str] = {k: values[k] for k in ("state", "country", "zip") if k in values}
    # R10 applies to every address, and R63 by the address's own setting or its customer's.
    validate = validates_address(
        values, company=customer.company, address=address or Address(customer=customer)
    )
    cleaned, errors = clean_customer_values(text, validate_address=validate)
    if errors:
        raise DomainError(errors)
    values = {**values, **cleaned}
    for name in ("label", "line1", "line2", "city", "county"):
        if name in values:
            values[name] = (values[name] or "").strip()
    return values


def _save_address(address: Address) -> Address:
    """Save, answering the one-active-Statements-address rule (R15) as a form error."""
    address.full_clean(exclude=["tenant", "customer"], validate_constraints=False)
    others = Address.objects.filter(
        customer_id=address.customer_id, is_statements=True, is_active=True
    ).exclude(pk=address.pk)
    if address.is_statements and address.is_active and others.exists():
        raise DomainError(
            {
                "is_statements": (
                    "This customer already has an active Statements address. Make that one inactive "  # noqa: E501
                    "or untick its Statements purpose first."
                )
            }
        )
    if not (address.is_bill_to or address.is_ship_to or address.is_statements):
        raise DomainError("Pick at least one purpose: Bill-To, Ship-To or Statements.")
    try:
        with transaction.atomic():
            address.save()
    except IntegrityError as error:  # a concurrent Statements address won the race
        raise DomainError(
            {"is_statements": "This customer already has an active Statements address."},
        ) from error
    return address


def address_create(
    *,
    customer: Customer,
    actor: User | None = None,
    label: str = "",
    line1: str = "",
    line2: str = "",
    city: str = "",
    county: str = "",
    state: str = "",
    country: str = "",
    zip: str = "",
    is_bill_to: bool = False,
    is_ship_to: bool = False,
    is_statements: bool = False,
    is_active: bool = True,
    exemption_reason: str = "",
    expiring_soon_days: int | None = None,
    address_validation: bool | None = None,
) -> Address:
    """Another address of the customer (R15-R17). Raises DomainError for no purpose, a
    second active Statements address, or a state or ZIP that does not fit the country."""
    values = given(locals(), ADDRESS_FIELDS)
    with transaction.atomic(), history_context(actor):
        values = _clean_address(values, customer)
        address = Address(tenant_id=customer.tenant_id, customer=customer, **values)
        return _save_address(address)


def address_update(
    *,
    address: Address,
    actor: User | None = None,
    label: str | Keep = KEEP,
    line1: str | Keep = KEEP,
    line2: str | Keep = KEEP,
    city: str | Keep = KEEP,
    county: str | Keep = KEEP,
    state: str | Keep = KEEP,
    country: str | Keep = KEEP,
    zip: str | Keep = KEEP,
    is_bill_to: bool | Keep = KEEP,
    is_ship_to: bool | Keep = KEEP,
    is_statements: bool | Keep = KEEP,
    is_active: bool | Keep = KEEP,
    exemption_reason: str | Keep = KEEP,
    expiring_soon_days: int | None | Keep = KEEP,
    address_validation: bool | None | Keep = KEEP,
) -> Address:
    """Change the fields given; an address's tax components are refused once a document uses
    it (R18). ValidationError as address_create's."""
    values = given(locals(), ADDRESS_FIELDS)
    with transaction.atomic(), history_context(actor):
        values = _clean_address(values, address.customer, address)
        check_address_lock(address, values)
        for name, value in values.items():
            setattr(address, name, value)
        return _save_address(address)


def contact_create(
    *, customer: Customer, name: str, title: str = "", actor: User | None = None
) -> Contact:
    with transaction.atomic(), history_context(actor):
        contact = Contact(
            tenant_id=customer.tenant_id,
            customer=customer,
            name=(name or "").strip(),
            title=(title or "").strip(),
        )
        contact.full_clean(exclude=["tenant", "customer"])
        contact.save()
        return contact


def contact_update(
    *,
    contact: Contact,
    actor: User | None = None,
    name: str | Keep = KEEP,
    title: str | Keep = KEEP,
) -> Contact:
    """Rename a contact or change its title (R16)."""
    with transaction.atomic(), history_context(actor):
        for field, value in given(locals(), ["name", "title"]).items():
            setattr(contact, field, (value or "").strip())
        contact.full_clean(exclude=["tenant", "customer"])
        contact.save()
        return contact


def contact_delete(*, contact: Contact, actor: User | None = None) -> None:
    _delete(contact, actor)


def channel_add(
    *,
    kind: str,
    value: str,
    label: str = "",
    address: Address | None = None,
    contact: Contact | None = None,
    actor: User | None = None,
) -> ContactChannel:
    """A phone number or email for an address or a contact (R16)."""
    if (address is None) == (contact is None):
        raise ValueError("A channel belongs to an address or to a contact, not both.")
    value = (value or "").strip()
    if kind == ChannelKind.EMAIL:
        value = value.lower()
        _, errors = clean_customer_values({"email": value})
        if errors:
            raise DomainError({"value": errors["email"]})
    elif not phone_is_valid(value):
        raise DomainError(
            {
                "value": f"{value!r} is not a phone number: 7 to 15 digits, with "
                "spaces, + ( ) - . and an extension such as x12."
            }
        )
    owner = address or contact
    assert owner is not None  # exactly one of them, checked above
    with transaction.atomic(), history_context(actor):
        channel = ContactChannel(
            tenant_id=owner.tenant_id,
            address=address,
            contact=contact,
            kind=kind,
            value=value,
            label=(label or "").strip(),
        )
        channel.full_clean(exclude=["tenant", "address", "contact"])
        channel.save()
        return channel


def channel_remove(*, channel: ContactChannel, actor: User | None = None) -> None:
    _delete(channel, actor)
