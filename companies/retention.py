"""The `--before YYYY-MM-DD [--dry-run]` options of the retention commands (history, security
log)."""

import datetime

from django.core.management.base import CommandError
from django.utils import timezone


def cutoff(before: str) -> datetime.datetime:
    """UTC midnight at the start of day `before` (ISO date, e.g. "2025-01-31").

    Raises CommandError naming the value when it is not a date or lies in the future (rows are
    kept at least until they were written)."""
    try:
        day = datetime.date.fromisoformat(before)
    except ValueError as error:
        raise CommandError(f"--before {before!r} is not a date like 2025-01-31.") from error
    moment = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
    if moment > timezone.now():
        raise CommandError(f"--before {before} is in the future; rows are kept until then.")
    return moment


def add_arguments(parser, *, what: str) -> None:
    """`--before` (required) and `--dry-run`; `what` names the rows, e.g. "History rows"."""
    parser.add_argument(
        "--before",
        required=True,
        metavar="YYYY-MM-DD",
        help=f"{what} recorded before this day (UTC midnight) go.",
    )
    parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")
