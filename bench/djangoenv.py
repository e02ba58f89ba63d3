"""Django set-up shared by the import benchmark's processes (parent and import children)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    """Configure Django with the bench settings (CertHub's + the django-import-export model)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.iie.settings"
    # CertHub's settings demand production values unless DJANGO_DEBUG is on; the bench
    # settings turn DEBUG off again so no query log slows the runs down.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("CERTHUB_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def settle() -> None:
    """CHECKPOINT before a timed run, so that no run pays for writing out the pages the one
    before it dirtied. Needs a superuser or the pg_checkpoint role; skipped without them."""
    from django.db import DatabaseError, connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:
        pass
