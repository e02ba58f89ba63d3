from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"

    def ready(self):
        from imports import dashboard  # noqa: F401  (registers the dashboard panel)
