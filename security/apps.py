from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """The security log of denied accesses (R52) and the shared rate limiter (R56)."""

    name = "security"

    def ready(self):
        from security import signals  # noqa: F401  failed log-ins are recorded
