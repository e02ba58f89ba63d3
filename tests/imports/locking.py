"""Another database session holding a company's import lock, as a live worker does (R40)."""

import threading
from contextlib import contextmanager

from django.db import connection, transaction

from imports.locks import lock_company


@contextmanager
def lock_held_elsewhere(company_id: int):
    """Within the block, a session on another thread holds the company's import lock."""
    holding, release = threading.Event(), threading.Event()

    def worker():
        try:
            with transaction.atomic():
                lock_company(company_id)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    assert holding.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join()
