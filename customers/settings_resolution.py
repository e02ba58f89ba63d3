"""Settings that resolve from the most specific level (R19).

Address, then customer, then the company and its ancestors (nearest first), then the tenant's
defaults. Three settings use this: the exemption reason, the "expiring soon" window in days and
address validation (R63).
"""

from companies.models import Company, ExemptionReason, Tenant
from customers.models import Address, Customer

# Setting name -> the tenant's field holding its default.
SETTINGS = {
    "exemption_reason": "default_exemption_reason",
    "expiring_soon_days": "default_expiring_soon_days",
    "address_validation": "default_address_validation",  # R63
}


def _is_set(value) -> bool:
    return value is not None and value != ""


def effective_setting(
    name: str,
    *,
    address: Address | None = None,
    customer: Customer | None = None,
    company: Company | None = None,
    tenant: Tenant,
) -> tuple[object, str]:
    """The value of setting `name` and where it came from, e.g. ("G", "from company Acme East").

    Levels that are not given are derived from the more specific ones (an address's customer,
    a customer's company), so passing only the most specific object is enough.
    """
    if name not in SETTINGS:
        raise ValueError(f"Unknown setting {name!r}; expected one of {sorted(SETTINGS)}.")
    if address is not None:
        customer = customer or address.customer
        if _is_set(getattr(address, name)):
            return getattr(address, name), f"from address {address}"
    if customer is not None:
        company = company or customer.company
        if _is_set(getattr(customer, name)):
            return getattr(customer, name), "from customer"
    if company is not None:
        if _is_set(getattr(company, name)):
            return getattr(company, name), f"from company {company.name}"
        # Ancestors nearest first; one query.
        for ancestor in company.get_ancestors(ascending=True):
            if _is_set(getattr(ancestor, name)):
                return getattr(ancestor, name), f"from company {ancestor.name}"
    return getattr(tenant, SETTINGS[name]), "from the tenant default"


SETTING_LABELS = {
    "exemption_reason": "Exemption reason",
    "expiring_soon_days": "Expiring soon",
    "address_validation": "Address validation",
}


def effective_settings(
    *, tenant: Tenant, customer: Customer, address: Address | None = None
) -> list[dict]:
    """Every setting as pages show it: [{"label", "value" (displayed), "source"}] (R19)."""
    rows = []
    for name, label in SETTING_LABELS.items():
        value, source = effective_setting(name, address=address, customer=customer, tenant=tenant)
        rows.append({"label": label, "value": setting_display(name, value), "source": source})
    return rows


def address_settings(addresses, *, tenant: Tenant, customer: Customer) -> None:
    """Give each of a customer's addresses its effective `settings` (as `effective_settings`),
    resolving the customer's levels once instead of once per address (R19)."""
    inherited = {
        name: effective_setting(name, customer=customer, tenant=tenant) for name in SETTING_LABELS
    }
    for address in addresses:
        address.settings = []
        for name, label in SETTING_LABELS.items():
            own = getattr(address, name)
            value, source = (own, "from this address") if _is_set(own) else inherited[name]
            address.settings.append(
                {"label": label, "value": setting_display(name, value), "source": source}
            )


def setting_display(name: str, value) -> str:
    """The value as shown on pages: the reason's label, or a number of days."""
    if name == "exemption_reason":
        return dict(ExemptionReason.choices).get(value, value or "none")
    if name == "address_validation":
        return (
            "on: a ZIP outside its state is an error"
            if value
            else "off: a ZIP outside its state is a warning"
        )
    return f"{value} days"
