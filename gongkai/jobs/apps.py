from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "gongkai.jobs"
    verbose_name = _("后台任务")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every app declares its kinds of job and its schedules in its own ``jobs.py``.
        autodiscover_modules("jobs")
        from gongkai.jobs import probe  # noqa: F401  (registers the probe job)
