"""The Celery application; `tellus worker` runs it."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tellus.config.settings")

app = Celery("tellus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
