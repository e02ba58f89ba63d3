"""Views of documents (R20-R30): the documents list, upload and detail (documents), the review
queue (review), the exposure report (exposure), Comments & Files (notes), certificate requests
for staff (certificate_requests) and the public upload page (public). Thin: fetch within the
tenant, bind the form, call the service, message, redirect."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, queryset: QuerySet, size: int = PAGE_SIZE) -> tuple[Page, str]:
    """The page `?page=` asks for, and the query string without `page` for the pager's links."""
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
