"""Reads of customers for views and other apps: always within the companies a user reaches."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from companies.tenancy import reachable_companies_q
from customers.models import Address, Customer


def visible_customers(request) -> QuerySet[Customer]:
    """Customers of the companies the membership reaches (R2, R3)."""
    return Customer.objects.filter(reachable_companies_q(request.membership, "company__"))


def get_customer(request, public_id) -> Customer:
    """A customer the user may see, else 404 exactly as for one that does not exist (R3)."""
    return get_object_or_404(visible_customers(request).select_related("company"),
                             public_id=public_id)


def address_is_locked(address: Address) -> bool:
    """R18: an address a document refers to has its tax components locked."""
    return address.pk is not None and address.documents.exists()


def main_address_is_locked(customer: Customer) -> bool:
    """R18 for the main address on the customer record (documents with `uses_main_address`)."""
    return customer.pk is not None and customer.documents.filter(uses_main_address=True).exists()
