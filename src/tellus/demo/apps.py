from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tellus.demo"
    verbose_name = "Demo destination"

    def ready(self) -> None:
        from tellus.demo import checks  # noqa: F401  (registers the deploy check)
