"""The plain model django-import-export imports into: CertHub's customer fields, no history.

It mirrors customers.Customer (same fields, lengths, natural key) without what makes CertHub's
import heavier: no history triggers, no tenant scoping, no search indexes, and the
`Shipping Customer State` kept as a column instead of a ship-to zone row. The reference thus
does less work than CertHub, so the P1 ratio it yields is conservative.
The table is made and dropped by the bench (schema_editor), so the app has no migrations.
"""

import uuid

from django.db import models


class BenchCustomer(models.Model):
    tenant = models.ForeignKey("companies.Tenant", on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=50)
    alternate_id = models.CharField(max_length=50, blank=True)
    fein = models.CharField(max_length=20, blank=True)
    name1 = models.CharField(max_length=200)
    name2 = models.CharField(max_length=200, blank=True)
    attention_name = models.CharField(max_length=200, blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=50, blank=True)
    country = models.CharField(max_length=2, blank=True)
    zip = models.CharField(max_length=20, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    fax = models.CharField(max_length=50, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    ship_to_state = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="bench_iie_number_unique"),
        ]

    def __str__(self):
        return f"{self.number} {self.name1}"
