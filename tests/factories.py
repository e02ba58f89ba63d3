"""Factories for tests. Tenant-owned rows are created inside their tenant's scope."""

import factory
from django.contrib.auth import get_user_model
from django_scopes import scope

from companies.models import Membership, Role, Tenant
from companies.services import company_create
from imports.services import import_file as services_import_file

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    slug = factory.Sequence(lambda n: f"tenant-{n}")
    name = factory.Sequence(lambda n: f"Tenant {n}")


def make_membership(tenant, user=None, role=Role.VIEWER, companies=()):
    user = user or UserFactory()
    with scope(tenant=tenant.pk):
        membership = Membership.objects.create(tenant=tenant, user=user, role=role)
        membership.companies.set(companies)
    return membership


def make_company(tenant, code, name=None, parent=None, **details):
    with scope(tenant=tenant.pk):
        return company_create(
            tenant=tenant, name=name or f"Company {code}", code=code, parent=parent, **details
        )


def make_customer(company, number, name="Customer", **fields):
    """A customer created in its tenant's scope; fields default to a tax-ready US address."""
    from customers.models import Customer

    values = {
        "address_line1": "1 Main St",
        "city": "Austin",
        "state": "TX",
        "country": "US",
        "zip": "78701",
        **fields,
    }
    with scope(tenant=company.tenant_id):
        return Customer.objects.create(
            tenant_id=company.tenant_id, company=company, number=number, name1=name, **values
        )


# Documents (R20-R23) ------------------------------------------------------------------------


def _document_file(kind: str) -> bytes:
    """A small file that parses as its type (R55): a one-page PDF, or a 2x2 image."""
    import io

    out = io.BytesIO()
    if kind == "PDF":
        from pypdf import PdfWriter

        writer = PdfWriter()
        writer.add_blank_page(72, 72)
        writer.write(out)
    else:
        from PIL import Image

        Image.new("RGB", (2, 2), "white").save(out, kind)
    return out.getvalue()


PDF_BYTES = _document_file("PDF")
PNG_BYTES = _document_file("PNG")
JPEG_BYTES = _document_file("JPEG")
TIFF_BYTES = _document_file("TIFF")


def make_document(customer, regions, status="valid", *, effective=None, expiration=None, **fields):
    """A document row (no file) created in its tenant's scope; effective since 2020 by default."""
    import datetime

    from documents.models import Document

    with scope(tenant=customer.tenant_id):
        return Document.objects.create(
            tenant_id=customer.tenant_id,
            customer=customer,
            company_id=customer.company_id,
            regions=list(regions),
            status=status,
            effective_date=effective or datetime.date(2020, 1, 1),
            expiration_date=expiration,
            **fields,
        )


def import_file(path, *, tenant, **options):
    """imports.services.import_file in the tenant's scope, as its callers (the command, the
    demo) run it: the service enters no scope itself."""
    with scope(tenant=tenant.pk):
        return services_import_file(path, tenant=tenant, **options)
