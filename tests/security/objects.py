"""Objects of every kind a tenant URL points at, made directly in their tenant's scope, for the
security tests. Each maker takes a `Place` (tenant world, company, acting user) and returns the
object; child kinds also take the customer they hang on."""

import datetime
import io
import itertools
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scope
from openpyxl import Workbook

from tests.factories import PDF_BYTES, make_company, make_customer, make_membership

_numbers = itertools.count(1)


@dataclass
class Place:
    world: object  # a TenantWorld of tests/conftest.py
    company: object
    user: object  # who requested exports, authored notes, created batches

    @property
    def tenant(self):
        return self.world.tenant

    def scope(self):
        return scope(tenant=self.world.tenant.pk)


def _number() -> str:
    return f"SEC-{next(_numbers)}"


def customer(place: Place):
    return make_customer(place.company, _number(), "Security Customer", email="ap@example.com")


def company(place: Place):
    code = _number()
    return make_company(place.tenant, code, f"Company {code}", parent=place.company)


def membership(place: Place):
    return make_membership(place.tenant, role="viewer", companies=[place.company])


def invitation(place: Place):
    from companies.invitations import INVITATION_DAYS, new_token
    from companies.models import Invitation

    item = _create(
        place,
        Invitation,
        email=f"{_number().lower()}@example.com",
        invited_by=place.user,
        is_limited=True,
        token_hash=new_token()[1],
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    with place.scope():
        item.companies.set([place.company])
    return item


def _create(place: Place, model, **fields):
    with place.scope():
        return model.objects.create(tenant=place.tenant, **fields)


def document(place: Place, on_customer=None):
    from documents.models import Document

    on_customer = on_customer or customer(place)
    with place.scope():
        doc = Document(
            tenant=place.tenant,
            customer=on_customer,
            company=on_customer.company,
            regions=["TX"],
            effective_date=datetime.date(2024, 1, 1),
            content_type="application/pdf",
            original_name="cert.pdf",
        )
        _save_with_file(doc, place, "documents/{}.pdf", PDF_BYTES)
    return doc


def _save_with_file(record, place: Place, name: str, content: bytes) -> None:
    """Store `content` as the record's file in the tenant's folder (`name` with {} for a
    fresh number), then save the record."""
    record.file.save(
        f"tenants/{place.tenant.public_id}/{name.format(_number())}",
        ContentFile(content),
        save=False,
    )
    record.save()


def note(place: Place):
    """A file entry on a customer (its download URL needs a file)."""
    from documents.models import Note, NoteKind

    with place.scope():
        entry = Note(
            tenant=place.tenant,
            customer=customer(place),
            kind=NoteKind.FILE,
            author=place.user,
            content_type="application/pdf",
            original_name="note.pdf",
        )
        _save_with_file(entry, place, "notes/{}.pdf", PDF_BYTES)
    return entry


def certificate_request(place: Place):
    from companies.tokens import new_token
    from documents.models import CertificateRequest

    on_customer = customer(place)
    return _create(
        place,
        CertificateRequest,
        customer=on_customer,
        company=place.company,
        regions=["TX"],
        email="ap@example.com",
        token_hash=new_token()[1],
        expires_at=timezone.now() + datetime.timedelta(days=14),
        sent_by=place.user,
    )


def open_link(place: Place) -> str:
    """The token of a new open certificate request: the key of a public upload page (R28)."""
    from companies.tokens import new_token
    from documents.models import CertificateRequest

    token, token_hash = new_token()
    _create(
        place,
        CertificateRequest,
        customer=customer(place),
        company=place.company,
        regions=["TX"],
        email="ap@example.com",
        token_hash=token_hash,
        expires_at=timezone.now() + datetime.timedelta(days=14),
        sent_by=place.user,
    )
    return token


def export(place: Place):
    from documents.models import ExportStatus, ExposureExport

    with place.scope():
        item = ExposureExport(
            tenant=place.tenant,
            company=place.company,
            requested_by=place.user,
            status=ExportStatus.DONE,
            content_type="application/octet-stream",
            original_name="exposure.xlsx",
        )
        _save_with_file(item, place, "exports/{}.xlsx", b"PK\x03\x04")
    return item


def batch(place: Place):
    from imports.models import ImportBatch, Status

    workbook = Workbook()
    workbook.active.append(["Billing Customer Number", "Billing Customer Name 1"])
    workbook.active.append(["1", "Acme"])
    content = io.BytesIO()
    workbook.save(content)
    with place.scope():
        item = ImportBatch(
            tenant=place.tenant,
            company=place.company,
            created_by=place.user,
            original_name="customers.xlsx",
            status=Status.READY,
        )
        _save_with_file(item, place, "imports/{}.xlsx", content.getvalue())
    return item


# Kinds that hang on a customer: the URL carries the customer and the child.


def zone(place: Place, parent):
    from customers.models import ShipToZone

    return _create(place, ShipToZone, customer=parent, region="TX")


def link(place: Place, parent):
    from customers.models import ShipToLink

    shipping = make_customer(parent.company, _number(), "Shipping Customer", kind="ship-to")
    return _create(place, ShipToLink, billing=parent, shipping=shipping)


def address(place: Place, parent):
    from customers.models import Address

    return _create(
        place,
        Address,
        customer=parent,
        line1="2 Side St",
        city="Austin",
        state="TX",
        country="US",
        zip="78701",
        is_ship_to=True,
    )


def contact(place: Place, parent):
    from customers.models import Contact

    return _create(place, Contact, customer=parent, name="Pat Buyer")


def channel(place: Place, parent):
    from customers.models import ChannelKind, ContactChannel

    return _create(
        place,
        ContactChannel,
        address=address(place, parent),
        kind=ChannelKind.PHONE,
        value="555-0100",
    )


TOP_KINDS = {
    "company": company,
    "membership": membership,
    "invitation": invitation,
    "customer": customer,
    "document": document,
    "note": note,
    "request": certificate_request,
    "export": export,
    "batch": batch,
}
CHILD_KINDS = {
    "zone": zone,
    "link": link,
    "address": address,
    "contact": contact,
    "channel": channel,
}
