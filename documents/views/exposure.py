"""The exposure report (R23): for the working company and the companies below it, exposures by
region, the exposed customers, documents expiring soon (R19), and an .xlsx download."""

import math
from collections.abc import Sequence
from typing import overload

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from companies.tenancy import Workspace
from customers.models import Customer
from customers.regions import REGION_NAMES
from documents.charts import exposure_map
from documents.coverage import Scope, exposed_customers, exposure_report
from documents.exposure_export import start_export
from documents.files import file_response
from documents.models import ExportStatus, ExposureExport
from documents.selectors import expiring_soon, working_documents, working_scope

PAGE_SIZE = 50
EXPIRING_LIMIT = 100


class ExposedCustomers(Sequence[tuple[Customer, list[str]]]):
    """The exposed customers as a sequence the Paginator can slice. The page asked for comes
    with the report (one evaluation of the exposure set); any other slice is one more query.
    Each page's customers load in one query."""

    def __init__(
        self, scope: Scope, count: int, offset: int, rows: list, region: str | None = None
    ):
        self.scope, self._count, self.prefetched = scope, count, {offset: rows}
        self.region = region

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, page: int) -> tuple[Customer, list[str]]: ...

    @overload
    def __getitem__(self, page: slice) -> list[tuple[Customer, list[str]]]: ...

    def __getitem__(self, page):
        if isinstance(page, int):  # Paginator slices; this is for the Sequence protocol
            return self[page : page + 1][0]
        rows = self.prefetched.get(page.start)
        if rows is None:
            rows = exposed_customers(
                self.scope, limit=page.stop - page.start, offset=page.start, region=self.region
            )
        customers = Customer.objects.select_related("company").in_bulk([pk for pk, _ in rows])
        return [(customers[pk], regions) for pk, regions in rows]


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


@require_safe
def report(request, tenant_slug):
    """The report; `?region=XX` lists only the customers exposed in XX (the map's links, R62)."""
    scope = working_scope(Workspace.of(request))
    number = _page_number(request)
    region = request.GET.get("region", "").strip().upper() or None
    region_error = None
    if region is not None and region not in REGION_NAMES:
        region_error = f"{region[:10]!r} is not a US or Canadian region code: all regions shown."
        region = None
    data = exposure_report(scope, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE, region=region)
    last = max(1, math.ceil(data.listed / PAGE_SIZE))
    if number > last:  # past the end: show the last page, as Paginator.get_page does
        number = last
        data = exposure_report(
            scope, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE, region=region
        )
    exposed = ExposedCustomers(scope, data.listed, (number - 1) * PAGE_SIZE, data.page, region)
    page = Paginator(exposed, PAGE_SIZE).get_page(number)
    soon = (
        expiring_soon(working_documents(Workspace.of(request)), tenant=request.tenant)
        .select_related("customer", "company")
        .order_by("expiration_date", "id")
    )
    latest_export = (
        ExposureExport.objects.filter(requested_by=request.user).order_by("-created_at").first()
    )
    return render(
        request,
        "documents/exposure_report.html",
        {
            "total": data.total,
            "customers_count": data.customers,
            "map": exposure_map(
                data.by_region, reverse("documents:exposure", kwargs={"tenant_slug": tenant_slug})
            ),
            "region": region,
            "region_name": REGION_NAMES.get(region),
            "region_error": region_error,
            "listed_count": data.listed,
            "page_obj": page,
            "exposed": page.object_list,
            "query_string": f"region={region}" if region else "",
            "expiring": soon[:EXPIRING_LIMIT],
            "expiring_count": soon.count(),
            "expiring_limit": EXPIRING_LIMIT,
            "latest_export": latest_export,
        },
    )


@require_POST
def export_start(request, tenant_slug):
    """Start the .xlsx download; the worker writes it while the export page shows progress."""
    if request.working_company is None:
        raise Http404("No working company.")
    scope = working_scope(Workspace.of(request))
    region = request.POST.get("region", "").strip().upper()
    export = start_export(
        tenant=request.tenant,
        company=request.working_company,
        company_ids=scope.company_ids,
        actor=request.user,
        region=region if region in REGION_NAMES else "",  # an unknown code: every region
    )
    return redirect(
        "documents:exposure_export", tenant_slug=tenant_slug, public_id=export.public_id
    )


def _get_export(request, public_id) -> ExposureExport:
    """An export is its requester's: anyone else gets the 404 of one that does not exist."""
    return get_object_or_404(
        ExposureExport.objects.select_related("company"),
        public_id=public_id,
        requested_by=request.user,
    )


@require_safe
def export_status(request, tenant_slug, public_id):
    """The export's page; as JSON, what static/js/certhub.js's progress bar polls."""
    export = _get_export(request, public_id)
    if "application/json" in request.headers.get("accept", ""):
        finished = export.status in (ExportStatus.DONE, ExportStatus.FAILED)
        return JsonResponse(
            {
                "done": export.rows_done,
                "total": export.rows_total,
                "label": f"{export.rows_done} of {export.rows_total} customers "
                f"({export.get_status_display().lower()})",
                "finished": finished,
                "reload": finished,
            }
        )
    download = (
        reverse(
            "documents:exposure_download",
            kwargs={"tenant_slug": tenant_slug, "public_id": export.public_id},
        )
        if export.status == ExportStatus.DONE
        else None
    )
    return render(
        request, "documents/exposure_export.html", {"export": export, "download_url": download}
    )


@require_safe
def export_download(request, tenant_slug, public_id):
    export = _get_export(request, public_id)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404("This export is not ready.")
    return file_response(export)
