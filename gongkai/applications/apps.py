from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "gongkai.applications"
    label = "applications"
    verbose_name = _("依申请公开")

    def ready(self) -> None:
        # The receivers import the models, so they are loaded once the app registry is ready (Django's
        # ready() hook), not when this module is; importing them connects them.
        import_module(f"{self.name}.receivers")
        # SQLite drops a table's triggers when a migration rebuilds it: the queue's are made again.
        post_migrate.connect(_ensure_triggers, sender=self, dispatch_uid="applications.queue_triggers")


def _ensure_triggers(using: str = "default", **kwargs: object) -> None:
    # Imported here: the module reads the models, which exist once the registry is ready.
    ensure = import_module("gongkai.applications.queue_triggers").ensure
    ensure(using)
