from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualConfig(AppConfig):
    name = "gongkai.annual"
    label = "annual"
    verbose_name = _("年度报告")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from gongkai.annual.models import LocalDeadline
        from gongkai.core import pagecache

        # The public 年报 page shows each year's due date and status: a supervisor's deadline for its
        # townships changes them (the page cache must not keep the old ones).
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                pagecache.bump_on_signal, sender=LocalDeadline, dispatch_uid=f"annual.deadline.{name}"
            )
