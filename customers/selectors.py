"""Reads of customers for views and other apps: always within the companies a membership
reaches; they take the membership, never the HTTP request."""

from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from companies.models import Membership
from companies.tenancy import reachable_companies_q
from customers.models import Address, Contact, Customer


def visible_customers(membership: Membership) -> QuerySet[Customer]:
    """Customers of the companies the membership reaches (R2, R3)."""
    return Customer.objects.filter(reachable_companies_q(membership, "company__"))


def get_customer(membership: Membership, public_id: UUID | str) -> Customer:
    """A customer the user may see, else 404 exactly as for one that does not exist (R3)."""
    return get_object_or_404(
        visible_customers(membership).select_related("company"), public_id=public_id
    )


def get_address(customer: Customer, public_id) -> Address:
    return get_object_or_404(Address.objects.filter(customer=customer), public_id=public_id)


def address_is_locked(address: Address) -> bool:
    """R18: an address a document refers to has its tax components locked."""
    return address.pk is not None and address.documents.exists()


def main_address_is_locked(customer: Customer) -> bool:
    """R18 for the main address on the customer record (documents with `uses_main_address`)."""
    return customer.pk is not None and customer.documents.filter(uses_main_address=True).exists()


def _document_model():
    # documents builds on customers; resolved lazily so customers never imports it at load time.
    return Customer.documents.rel.related_model


def addresses_with_lock(customer: Customer) -> QuerySet[Address]:
    """The customer's addresses, each annotated `is_locked` (R18), with their channels."""
    document = _document_model()
    return customer.addresses.annotate(
        is_locked=Exists(document.objects.filter(address=OuterRef("pk")))
    ).prefetch_related("channels")


def get_contact(customer: Customer, public_id) -> Contact:
    return get_object_or_404(Contact.objects.filter(customer=customer), public_id=public_id)
