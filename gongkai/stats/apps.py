from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "gongkai.stats"
    label = "stats"
    verbose_name = _("办理统计")
