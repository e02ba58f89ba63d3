"""Reads of import batches: only those of companies the membership reaches (R2, R3)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from companies.tenancy import reachable_companies_q
from imports.models import ImportBatch


def visible_batches(request) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(
        reachable_companies_q(request.membership, "company__")).select_related(
        "company", "created_by")


def get_batch(request, public_id) -> ImportBatch:
    return get_object_or_404(visible_batches(request), public_id=public_id)
