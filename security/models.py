"""The security log (R52) and the rate limiter's counters (R56)."""

from django.conf import settings
from django.db import models

from companies.choices import BadgeChoices
from companies.models import Tenant
from companies.scoping import ScopedManager


class EventKind(BadgeChoices):
    NOT_FOUND = "not_found", "info", "Not found (404)"
    FORBIDDEN = "forbidden", "warn", "Refused (403)"
    LOGIN_FAILED = "login_failed", "info", "Failed log-in"
    UNKNOWN_LINK = "unknown_link", "info", "Unknown request link"


class SecurityEvent(models.Model):
    """A denied access: who (when known), in which tenant (when known), what path, from where,
    when. Written by `security.log.record`, never changed. Failed log-ins and unknown request
    links belong to no tenant; only superusers see them (the Django admin)."""

    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(
        max_length=254, blank=True, help_text="The email typed at a failed log-in."
    )
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, help_text="Secret parts (link tokens) left out.")
    detail = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    # Set on the rows the security log shows: the account's email if it is a member, else "".
    shown_user: str

    # Scoped like every record holding tenant data (R4): a tenant's page sees its own entries.
    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="securityevent_tenant")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.path} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def kind_tone(self) -> str:
        return EventKind.tone_of(self.kind)


class RateCounter(models.Model):
    """Hits of one key (e.g. unknown links from one address) in the current window, shared by
    every web process through the database (R56)."""

    key = models.CharField(max_length=200, primary_key=True)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.key}: {self.count}"
