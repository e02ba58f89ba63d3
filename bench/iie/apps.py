from django.apps import AppConfig


class IieConfig(AppConfig):
    name = "bench.iie"
    label = "bench_iie"
    default_auto_field = "django.db.models.BigAutoField"
