from django.apps import AppConfig


class PublishingKindsConfig(AppConfig):
    name = "tests.publishing_kinds"
    label = "publishing_kinds"

    def ready(self) -> None:
        from tests.publishing_kinds.models import register_kinds

        register_kinds()
