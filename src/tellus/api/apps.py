from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tellus.api"
    verbose_name = "API"
