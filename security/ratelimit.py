"""A fixed-window rate limiter shared by every web process: its counters are rows in
PostgreSQL (R56), so limits hold behind a load balancer and survive restarts."""

import datetime

from django.db import connection
from django.utils import timezone

from security.models import RateCounter


def hit(key: str, *, window_seconds: int) -> int:
    """Count one hit of `key`; returns the hits in the current window, this one included.
    One statement: concurrent hits from several processes are all counted."""
    table = RateCounter._meta.db_table
    now = timezone.now()
    expired = now - datetime.timedelta(seconds=window_seconds)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (key, window_start, count) VALUES (%s, %s, 1)
                ON CONFLICT (key) DO UPDATE SET
                  count = CASE WHEN {table}.window_start < %s THEN 1
                               ELSE {table}.count + 1 END,
                  window_start = CASE WHEN {table}.window_start < %s THEN EXCLUDED.window_start
                                      ELSE {table}.window_start END
                RETURNING count""",  # noqa: S608  the table name is ours, values are parameters
            [key, now, expired, expired],
        )
        count = cursor.fetchone()[0]
    if count == 1:  # a new window: forget counters whose window ended a day ago
        RateCounter.objects.filter(window_start__lt=now - datetime.timedelta(days=1)).delete()
    return count


def hits(key: str, *, window_seconds: int) -> int:
    """The hits of `key` in its current window, without counting one."""
    since = timezone.now() - datetime.timedelta(seconds=window_seconds)
    counter = RateCounter.objects.filter(key=key, window_start__gte=since).first()
    return counter.count if counter else 0
