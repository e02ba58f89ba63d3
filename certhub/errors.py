"""Error answers in the product's layout (R61); the pages are templates/<status>.html."""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """A form whose CSRF check failed (expired, cookies off): the 403 page says what to do."""
    return render(request, "403.html", {"csrf": True}, status=403)
