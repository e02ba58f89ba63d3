from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"

    def ready(self):
        from imports import checked, dashboard  # noqa: F401  (the signal, the panel)
