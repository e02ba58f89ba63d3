"""Views of the customer pages: the list and record (customers), ship-to (shipto), addresses
and contacts (addresses), history (history). Thin: fetch in the tenant, bind, call a service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render

from certhub.errors import show_error
from customers.postal import address_mismatch


def render_tab(
    request, customer, tab: str, template: str, context: dict | None = None, status: int = 200
):
    """A tab of the customer page (templates/customers/customer_base.html)."""
    return render(
        request,
        template,
        {
            "customer": customer,
            "active_tab": tab,
            **(context or {}),
        },
        status=status,
    )


def warn_address_mismatch(request, record) -> None:
    """After a save with address validation off: say that the ZIP is outside its state (R63)."""
    message = address_mismatch(state=record.state, country=record.country, zip=record.zip)
    if message:
        messages.warning(
            request, f"{message} Saved anyway: address validation is off. Check the address."
        )


def submit(request, form, service, **arguments):
    """For a POST whose form is valid, call `service(actor=..., **arguments, **cleaned_data)`
    and return its result; a ValidationError it raises lands on the form (None returned)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return service(actor=request.user, **arguments, **form.cleaned_data)
    except ValidationError as error:
        show_error(request, error, form=form)
        return None
