"""Writes of documents (R20, R21): each service is one transaction that validates, writes and
records who did it in the history (pghistory's triggers write the event rows)."""

import datetime
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from certhub.errors import DomainError
from companies.history import history_context
from companies.models import ExemptionReason, Tenant
from customers.models import Address, Customer
from customers.regions import REGION_NAMES
from customers.settings_resolution import effective_setting
from documents.files import check_document_file, delete_stored_file, store_file
from documents.models import CertificateRequest, Document, DocumentStatus, DocumentType

DOCUMENT_FOLDER = "documents"


def _validate(document: Document) -> None:
    """Rules within one document (R17, R20); raises DomainError by field."""
    errors: dict[str, str] = {}
    if document.doc_type not in DocumentType.values:
        errors["doc_type"] = "Pick a document type."
    unknown = [r for r in document.regions or [] if r not in REGION_NAMES]
    if not document.regions:
        errors["regions"] = "Pick at least one region the document covers."
    elif unknown:
        errors["regions"] = f"Unknown region: {', '.join(unknown)}."
    elif len(set(document.regions)) != len(document.regions):
        errors["regions"] = "A region is listed twice."
    if document.exemption_reason and document.exemption_reason not in ExemptionReason.values:
        errors["exemption_reason"] = "Pick an exemption reason from the list."
    if document.effective_date is None:
        errors["effective_date"] = "The effective date is required."
    elif document.expiration_date and document.expiration_date < document.effective_date:
        errors["expiration_date"] = "The expiration date cannot be before the effective date."
    if document.signed_date and document.signed_date > timezone.localdate():
        errors["signed_date"] = "The signed date cannot be in the future (R21)."
    if document.address_id and document.uses_main_address:
        errors["address"] = "Pick an address or the main address, not both."
    if errors:
        raise DomainError(errors)


def _check_address(
    *, customer: Customer, address: Address | None, previous: Address | None = None
) -> None:
    """The address must be the customer's, and active unless the document already had it
    (R17: what already uses an inactive address keeps working)."""
    if address is None:
        return
    if address.customer_id != customer.pk:
        raise DomainError({"address": "That address belongs to another customer."})
    if not address.is_active and (previous is None or previous.pk != address.pk):
        raise DomainError({"address": "That address is inactive; pick an active one."})


def default_exemption_reason(customer: Customer, address: Address | None = None) -> str:
    """The effective exemption reason for a new document (R19)."""
    value, _level = effective_setting(
        "exemption_reason",
        address=address,
        customer=customer,
        company=customer.company,
        tenant=customer.tenant,
    )
    return str(value) if value else ""


@transaction.atomic
def document_create(
    *,
    tenant: Tenant,
    customer: Customer,
    actor: User | None,
    uploaded_file: UploadedFile,
    doc_type: str,
    regions: list[str],
    effective_date: datetime.date,
    expiration_date: datetime.date | None = None,
    signed_date: datetime.date | None = None,
    exemption_reason: str = "",
    address: Address | None = None,
    uses_main_address: bool = False,
    certificate_request: CertificateRequest | None = None,
    history: dict[str, str] | None = None,
) -> Document:
    """Store an uploaded document as pending (R20, R21).

    The file must be a PDF, PNG, JPEG or TIFF that opens as one (R55). A blank exemption reason
    takes the effective setting. `history` adds keys to the history context (e.g. a request link).
    """
    if customer.tenant_id != tenant.pk:
        raise DomainError("The customer belongs to another tenant.")
    if uploaded_file is None:
        raise DomainError({"file": "Attach the document file."})
    try:
        check_document_file(uploaded_file)
    except ValidationError as error:
        raise DomainError({"file": error.messages}) from error
    _check_address(customer=customer, address=address)
    document = Document(
        tenant=tenant,
        customer=customer,
        company_id=customer.company_id,
        address=address,
        uses_main_address=uses_main_address,
        doc_type=doc_type,
        regions=list(regions),
        exemption_reason=exemption_reason or default_exemption_reason(customer, address),
        signed_date=signed_date,
        effective_date=effective_date,
        expiration_date=expiration_date,
        status=DocumentStatus.PENDING,
        uploaded_by=actor,
        certificate_request=certificate_request,
    )
    _validate(document)
    store_file(document, uploaded_file, tenant=tenant, folder=DOCUMENT_FOLDER)
    try:  # the stored bytes go again when the row cannot be written
        with history_context(actor, **(history or {})):
            document.save()
    except Exception:
        delete_stored_file(document)
        raise
    return document


def _locked(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


class DocumentDetails(TypedDict):
    """The fields of a document a person fills in or corrects (R20): what
    `DocumentDetailsForm.service_fields()` gives and `document_update` takes."""

    doc_type: str
    regions: list[str]
    exemption_reason: str
    signed_date: datetime.date | None
    effective_date: datetime.date
    expiration_date: datetime.date | None
    address: Address | None
    uses_main_address: bool


@transaction.atomic
def document_update(
    *,
    document: Document,
    actor: User,
    doc_type: str,
    regions: list[str],
    exemption_reason: str,
    signed_date: datetime.date | None,
    effective_date: datetime.date,
    expiration_date: datetime.date | None,
    address: Address | None,
    uses_main_address: bool,
) -> Document:
    """Change a document's details; its file and status stay (R20). Picking an address drops
    the main address."""
    document = _locked(document)
    previous = document.address
    document.doc_type = doc_type
    document.regions = list(regions)
    document.exemption_reason = exemption_reason
    document.signed_date = signed_date
    document.effective_date = effective_date
    document.expiration_date = expiration_date
    document.address = address
    document.uses_main_address = uses_main_address and address is None
    _check_address(customer=document.customer, address=document.address, previous=previous)
    _validate(document)
    with history_context(actor):
        document.save(update_fields=[*DocumentDetails.__annotations__])
    return document


def _check_stored_file(document: Document) -> None:
    """A file stored before R55 (or by hand) must still open as its type to be marked valid."""
    if not document.file:
        return
    try:
        with document.file.open("rb") as stored:
            check_document_file(stored)
    except OSError as error:
        raise DomainError(
            "The document's file cannot be read; mark it invalid and ask for the file again."
        ) from error
    except ValidationError as error:
        raise DomainError(
            f"{error.messages[0]} Mark it invalid and ask for the file again."
        ) from error


@transaction.atomic
def document_review(*, document: Document, actor: User, valid: bool, reason: str = "") -> Document:
    """Mark a document valid or invalid; invalid needs a reason (R21). A voided document stays
    voided."""
    document = _locked(document)
    if document.status == DocumentStatus.VOIDED:
        raise DomainError("This document is voided; upload a new one instead.")
    reason = reason.strip()
    if not valid and not reason:
        raise DomainError({"reason": "Say why the document is invalid."})
    if valid and document.status == DocumentStatus.VALID:
        return document  # R21: already valid, nothing changes (no new reviewer or time)
    if valid:
        _check_stored_file(document)
    document.status = DocumentStatus.VALID if valid else DocumentStatus.INVALID
    document.status_reason = "" if valid else reason
    document.reviewed_by = actor
    document.reviewed_at = timezone.now()
    with history_context(actor):
        document.save(update_fields=["status", "status_reason", "reviewed_by", "reviewed_at"])
    return document


@transaction.atomic
def document_void(*, document: Document, actor: User, reason: str = "") -> Document:
    """Void a document: it no longer covers anything and cannot be reviewed again (R21)."""
    document = _locked(document)
    if document.status == DocumentStatus.VOIDED:
        raise DomainError("This document is already voided.")
    document.status = DocumentStatus.VOIDED
    document.status_reason = reason.strip()
    document.reviewed_by = actor
    document.reviewed_at = timezone.now()
    with history_context(actor):
        document.save(update_fields=["status", "status_reason", "reviewed_by", "reviewed_at"])
    return document
