from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "gongkai.applications"
    label = "applications"
    verbose_name = _("依申请公开")

    def ready(self) -> None:
        # The receivers import the models, so they are loaded once the app registry is ready (Django's
        # ready() hook), not when this module is; importing them connects them.
        import_module(f"{self.name}.receivers")
