"""The customer list and search (R13): filters, a search box, keyset pagination.

Built for a million customers: the search uses the one trigram GIN index on the generated
column `search_text` (number, name, email, city and ZIP upper-cased, see customers.models),
pages are cut by a keyset cursor on (sort key, id) instead of OFFSET, and the total is counted
only up to COUNT_LIMIT rows, so each page costs a few queries whatever the size of the data.
"""

import base64
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import OperationalError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Upper

from customers.models import ZIP_MARK, Address, Customer
from customers.postal import ZIP3, mismatch_q, mismatches
from customers.regions import REGION_NAMES

PAGE_SIZE = 50
COUNT_LIMIT = 10_000
SEARCH_CANDIDATES = 2_000  # matches read before a search counts as "common" (search_page)
WALK_TIMEOUT_MS = 100
COMMON_ESTIMATE = 5_000  # planner's row estimate from which a term counts as common
SORT_KEYS = {"name": "name1", "number": "number"}
POSTAL_LIKE = re.compile(r"^[0-9A-Z][0-9A-Z -]{1,9}$")


def search_q(text: str) -> Q:
    """Customers whose number, name, email or city contain the text, or whose state or ZIP
    is it (a ZIP also by its start).

    The trigram index finds the rows whose search_text contains the term; the per-field
    conditions then recheck those few rows, so a term found only inside a ZIP (not at its
    start) does not match."""
    term = normalise_term(text)
    if not term:
        return Q()
    fields = Q()
    for name in ("number", "name1", "email", "city"):
        fields |= Q(**{f"{name}_upper__contains": term})
    q = Q(search_text__contains=term) & fields
    if POSTAL_LIKE.match(term) and any(ch.isdigit() for ch in term):
        q |= Q(search_text__contains=ZIP_MARK + term)
    if term in REGION_NAMES:
        q |= Q(state=term)
    return q


def with_search_fields(qs: QuerySet[Customer]) -> QuerySet[Customer]:
    """The per-field upper-cased values search_q rechecks (no index needed: only the rows
    the trigram index found are read)."""
    return qs.alias(
        number_upper=Upper("number"),
        name1_upper=Upper("name1"),
        email_upper=Upper("email"),
        city_upper=Upper("city"),
    )


def filter_customers(
    qs: QuerySet[Customer],
    *,
    q: str = "",
    kind: str = "",
    tax_ready: str = "",
    state: str = "",
    status: str = "",
    address_check: str = "",
) -> QuerySet[Customer]:
    """status: "" active customers only (the default view, R59), "inactive", or "all";
    address_check="fails": customers whose main address or an active address has a ZIP
    outside its state, whatever the setting (R63)."""
    qs = with_search_fields(qs)
    if status == "inactive":
        qs = qs.filter(is_active=False)
    elif status != "all":
        qs = qs.filter(is_active=True)
    if q:
        qs = qs.filter(search_q(q))
    if kind:
        qs = qs.filter(kind=kind)
    if tax_ready in ("yes", "no"):
        qs = qs.filter(tax_ready=tax_ready == "yes")
    if state:
        qs = qs.filter(state=state.strip().upper())
    if address_check == "fails":
        addresses = Address.objects.filter(customer=OuterRef("pk"), is_active=True)
        qs = qs.alias(zip3=ZIP3).filter(mismatch_q() | Exists(mismatches(addresses)))
    return qs


# --- keyset pagination ----------------------------------------------------------------------


def encode_cursor(value: str, pk: int) -> str:
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int] | None:
    """The (sort value, id) in a cursor, or None for anything malformed."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if not isinstance(value, str) or not isinstance(pk, int):
        return None
    return value, pk


@dataclass
class KeysetPage:
    items: list
    next_cursor: str | None = None
    previous_cursor: str | None = None
    count: int | None = None
    count_is_capped: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def keyset_page(
    qs: QuerySet, *, sort: str = "name", after: str = "", before: str = "", size: int = PAGE_SIZE
) -> KeysetPage:
    """One page of `qs` ordered by (sort key, id), after or before a cursor.

    `key >= value AND (key > value OR id > pk)` lets PostgreSQL start an index range scan at
    the cursor, which a plain OR would not.
    """
    key = SORT_KEYS.get(sort, "name1")
    cursor = decode_cursor(after) if after else None
    backwards = False
    if cursor is None and before:
        cursor = decode_cursor(before)
        backwards = cursor is not None
    order = [key, "id"]
    if cursor is not None:
        value, pk = cursor
        if backwards:
            qs = qs.filter(Q(**{f"{key}__lte": value}), Q(**{f"{key}__lt": value}) | Q(id__lt=pk))
            order = [f"-{key}", "-id"]
        else:
            qs = qs.filter(Q(**{f"{key}__gte": value}), Q(**{f"{key}__gt": value}) | Q(id__gt=pk))
    rows = list(qs.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page = KeysetPage(items=rows)
    has_next, has_previous = (True, more) if backwards else (more, cursor is not None)
    if rows and has_next:
        page.next_cursor = encode_cursor(getattr(rows[-1], key), rows[-1].pk)
    if rows and has_previous:
        page.previous_cursor = encode_cursor(getattr(rows[0], key), rows[0].pk)
    return page


@contextmanager
def trigram_plan():
    """Within it, PostgreSQL answers a search from the trigram GIN index (bitmap scans),
    whose cost follows the number of matches, never a walk of the table in index order."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        yield


def normalise_term(text: str) -> str:
    return " ".join(text.split()).upper()


def estimated_matches(text: str) -> int:
    """The planner's estimate of the customers whose search_text holds the term: one EXPLAIN,
    no rows read. (The estimate of the whole search is useless: it multiplies the
    selectivities of the per-field rechecks as if they were independent.)"""
    qs = Customer.objects.filter(search_text__contains=normalise_term(text)).values("id")
    return int(json.loads(qs.explain(format="json"))[0]["Plan"]["Plan Rows"])


def search_page(
    qs: QuerySet,
    *,
    term: str,
    sort: str = "name",
    after: str = "",
    before: str = "",
    size: int = PAGE_SIZE,
    select_related: tuple = (),
) -> KeysetPage:
    """A page of search results on a million rows, whatever the term.

    PostgreSQL cannot both use a trigram index and read in name order. A common term (the
    planner expects thousands of matches) is found by walking the name index: a page fills
    at once, while collecting its matches from the trigram index would cost more than the
    page. A rare term takes up to SEARCH_CANDIDATES matching ids from the trigram index
    (cheap) and cuts the page from them, with an exact count. A walk that does not fill a
    page within WALK_TIMEOUT_MS (common matches that all sort last), or a term that proves
    common after all, is answered by the bitmap scan and a sort.
    """
    related = qs.select_related(*select_related)
    if estimated_matches(term) >= COMMON_ESTIMATE:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(WALK_TIMEOUT_MS)}")
                # Walk in index order: the planner, misled by the rechecks' selectivity,
                # would otherwise scan and sort every match.
                cursor.execute("SET LOCAL enable_bitmapscan = off")
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_sort = off")
                # A page is a few rows: starting parallel workers costs more than it saves.
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                page = keyset_page(related, sort=sort, after=after, before=before, size=size)
        except OperationalError:  # the walk was cancelled: the matches sort far away
            pass
        else:
            if page.has_other_pages:  # more than a page: counting them would cost the walk
                page.count, page.count_is_capped = len(page.items), True
            else:
                page.count, page.count_is_capped = len(page.items), False
            return page
    else:
        with trigram_plan():
            ids = list(qs.order_by().values_list("id", flat=True)[: SEARCH_CANDIDATES + 1])
        if len(ids) <= SEARCH_CANDIDATES:
            # By id alone: the search conditions, checked already, would be checked again.
            matches = qs.model._default_manager.filter(id__in=ids)
            page = keyset_page(
                matches.select_related(*select_related),
                sort=sort,
                after=after,
                before=before,
                size=size,
            )
            page.count, page.count_is_capped = len(ids), False
            return page
    with trigram_plan():
        page = keyset_page(related, sort=sort, after=after, before=before, size=size)
    page.count, page.count_is_capped = SEARCH_CANDIDATES, True
    return page


def capped_count(qs: QuerySet, limit: int | None = None) -> tuple[int, bool]:
    """The number of rows, counted up to limit + 1; (count, True) means "more than limit"."""
    limit = COUNT_LIMIT if limit is None else limit
    counted = qs.order_by()[: limit + 1].count()
    return min(counted, limit), counted > limit
