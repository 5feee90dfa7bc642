from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongkai.documents import isolated


class CheckerConfig(AppConfig):
    name = "gongkai.checker"
    label = "checker"
    verbose_name = _("年报检查")

    def ready(self) -> None:
        # The reading runs in a child of the fork server: have the server import it once.
        isolated.preload("gongkai.checker.pipeline", "gongkai.checker.preload")
