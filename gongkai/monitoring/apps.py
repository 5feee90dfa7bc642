from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "gongkai.monitoring"
    label = "monitoring"
    verbose_name = _("年报监测")

    def ready(self) -> None:
        # The roll-up (gongkai.annual, a layer below) shows the monitoring's findings as a column.
        from gongkai.annual.rollup import observers
        from gongkai.monitoring import selectors

        observers.register("monitoring", selectors.column_title, selectors.rollup_observations)
