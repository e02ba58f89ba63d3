"""Failed log-ins go to the security log (R52); django-axes counts them for its lockout."""

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from security.log import record
from security.models import EventKind


@receiver(user_login_failed)
def record_failed_login(sender, credentials, request=None, **kwargs):
    if request is None:  # authenticate() called outside a request (a shell, a test)
        return
    username = (credentials or {}).get("username") or ""
    record(request, EventKind.LOGIN_FAILED, username=username.strip().lower())
