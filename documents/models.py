"""Compliance documents, comments and files, certificate requests (R20-R30)."""

import datetime
from typing import ClassVar, Self

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from companies.choices import BadgeChoices
from companies.models import Company, ExemptionReason, TenantOwned
from companies.scoping import ScopedManager
from customers.models import Address, Customer


class DocumentType(models.TextChoices):
    EXEMPTION_CERTIFICATE = "exemption", "Exemption certificate"
    RESALE_CERTIFICATE = "resale", "Resale certificate"
    DIRECT_PAY_PERMIT = "direct-pay", "Direct pay permit"
    GOVERNMENT_LETTER = "government", "Government exemption letter"
    OTHER = "other", "Other"


class DocumentStatus(BadgeChoices):
    PENDING = "pending", "info", "Pending"
    VALID = "valid", "ok", "Valid"
    INVALID = "invalid", "bad", "Invalid"
    VOIDED = "voided", "", "Voided"


class ShownStatus(BadgeChoices):
    """A status users see but that is never stored: a valid document past its expiration date
    (R21), an open request past its expiry (R30)."""

    EXPIRED = "expired", "warn", "Expired"


def shown_tone(status: str, stored: type[BadgeChoices]) -> str:
    """The badge tone of a status as shown: a stored one of `stored`, or a `ShownStatus`."""
    return ShownStatus.tone_of(status) or stored.tone_of(status)


class StoredFile(models.Model):
    """Fields of an uploaded file: a generated storage name and what the uploader sent (R27)."""

    file = models.FileField(max_length=300, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True


class DocumentQuerySet(models.QuerySet["Document"]):
    def expired(self, on: datetime.date) -> "DocumentQuerySet":
        """Valid documents past their expiration date: shown as "expired" (R21)."""
        return self.filter(status=DocumentStatus.VALID, expiration_date__lt=on)

    def with_display_status(self, status: str, on: datetime.date) -> "DocumentQuerySet":
        """Filter by the status a user sees: "valid" leaves out the expired ones."""
        if status == EXPIRED:
            return self.expired(on)
        if status == DocumentStatus.VALID:
            return self.filter(status=status).exclude(expiration_date__lt=on)
        return self.filter(status=status)


DocumentManager = ScopedManager.from_queryset(DocumentQuerySet)

EXPIRED = ShownStatus.EXPIRED
DISPLAY_STATUSES = [*DocumentStatus.choices, *ShownStatus.choices]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Document(TenantOwned, StoredFile):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="documents")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="documents")
    # The address the document refers to: one of the customer's addresses, or its main address.
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    uses_main_address = models.BooleanField(default=False)
    doc_type = models.CharField(
        "type",
        max_length=12,
        choices=DocumentType.choices,
        default=DocumentType.EXEMPTION_CERTIFICATE,
    )
    regions = ArrayField(models.CharField(max_length=2), help_text="Regions covered")
    exemption_reason = models.CharField(max_length=2, choices=ExemptionReason, blank=True)
    signed_date = models.DateField(null=True, blank=True)
    effective_date = models.DateField()
    expiration_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    status_reason = models.CharField(max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The request the document answered (R29). The column keeps its first name, `request_id`.
    certificate_request = models.ForeignKey(
        "CertificateRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        db_column="request_id",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[DocumentManager[Self]] = DocumentManager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["customer", "status"], name="document_customer_status"),
            models.Index(
                fields=["company", "status", "expiration_date"], name="document_company_expiry"
            ),
            # The review queue: pending documents of a company, oldest first (R21).
            models.Index(
                fields=["company", "created_at"],
                condition=Q(status="pending"),
                name="document_pending_queue",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(expiration_date__isnull=True)
                    | Q(expiration_date__gte=models.F("effective_date"))
                ),
                name="document_effective_before_expiration",
                violation_error_message="The expiration date cannot be before the effective date.",
            ),
            models.CheckConstraint(
                condition=~(Q(address__isnull=False) & Q(uses_main_address=True)),
                name="document_one_address",
                violation_error_message="Pick an address or the main address, not both.",
            ),
        ]

    def __str__(self):
        return f"{self.get_doc_type_display()} for {self.customer}"

    @property
    def is_expired(self) -> bool:
        return (
            self.status == DocumentStatus.VALID
            and self.expiration_date is not None
            and self.expiration_date < timezone.localdate()
        )

    @property
    def display_status(self) -> str:
        """The status a user sees: a valid document past its expiration date is "expired" (R21)."""
        return EXPIRED if self.is_expired else self.status

    @property
    def display_status_label(self) -> str:
        return dict(DISPLAY_STATUSES)[self.display_status]

    @property
    def display_status_tone(self) -> str:
        return shown_tone(self.display_status, DocumentStatus)


class NoteKind(BadgeChoices):
    COMMENT = "comment", "", "Comment"
    FILE = "file", "info", "File"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Note(TenantOwned, StoredFile):
    """An entry of a "Comments & Files" tab: a comment or a file, on a customer or a document
    (R24-R26). A submission with both makes two entries."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    kind = models.CharField(max_length=7, choices=NoteKind.choices)
    text = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set on the notes a tab shows (not stored): whether this user may edit or delete it, and
    # whether its file opens in the browser.
    can_change: bool
    previewable: bool

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(customer__isnull=False, document__isnull=True)
                    | models.Q(customer__isnull=True, document__isnull=False)
                ),
                name="note_on_customer_or_document",
            ),
        ]

    def __str__(self):
        return self.original_name if self.kind == NoteKind.FILE else self.text[:50]

    @property
    def kind_tone(self) -> str:
        return NoteKind.tone_of(self.kind)


class RequestStatus(BadgeChoices):
    SENT = "sent", "info", "Sent"
    OPENED = "opened", "info", "Opened"
    FULFILLED = "fulfilled", "ok", "Fulfilled"
    CANCELLED = "cancelled", "bad", "Cancelled"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class CertificateRequest(TenantOwned):
    """A request to a customer for documents, answered through a public upload link (R28-R30).

    Only a hash of the link's token is stored; `expired` is shown for an open request past
    `expires_at`.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="requests")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="requests")
    regions = ArrayField(models.CharField(max_length=2))
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=9, choices=RequestStatus.choices, default=RequestStatus.SENT
    )
    message = models.TextField(blank=True)
    expires_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Set on the requests the list shows (not stored): the status as shown (`expired`
    # included), its label and badge tone, and whether it may be sent again.
    shown_status: str
    shown_status_label: str
    shown_status_tone: str
    can_resend: bool

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Request to {self.customer} for {', '.join(self.regions)}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ExposureExport(TenantOwned, StoredFile):
    """One exposure report download (.xlsx), written by a background task (R23, R47).

    A row per job lets the page show progress and lets any web process serve the file once the
    worker that wrote it is done.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    include_descendants = models.BooleanField(default=True)
    region = models.CharField(
        max_length=2,
        blank=True,
        help_text="Only the customers exposed in this region (the report's region filter, R62); "
        "blank: every exposed customer.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        max_length=7, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Exposure export of {self.company} ({self.status})"
