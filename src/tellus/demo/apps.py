from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tellus.demo"
    verbose_name = "Demo destination"
