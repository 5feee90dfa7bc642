"""Root URL configuration: the public front page, admin, the language switcher, the workbench and the office's
administration, applications (officer and public), the public columns and the checker (``/check/``)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from gongkai.accounts import views as accounts_views
from gongkai.catalogue import views_public as catalogue_public_views
from gongkai.core import views as core_views
from gongkai.office import views as office_views

admin.site.site_header = _("Gongkai 政府信息公开 管理后台")
admin.site.site_title = _("Gongkai 管理后台")
admin.site.index_title = _("站点管理")

urlpatterns = [
    path("healthz/", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # The site's own login for every role (the admin login admits staff only); logout is a POST.
    path("accounts/login/", accounts_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The link of a staff invitation (Django's password-reset token): set the password, once.
    path("accounts/password/<uidb64>/<token>/", office_views.SetPasswordView.as_view(), name="set_password"),
    path("accounts/password/done/", office_views.PasswordSetView.as_view(), name="password_set"),
    # One's own account: the second factor, password change and reset (gongkai.accounts).
    path("accounts/", include("gongkai.accounts.urls")),
    # POST language=<code> to {% url "set_language" %} (Django's i18n view; no token in the form, so that
    # pages with the switcher can be cached whole: core.views.set_language refuses cross-site requests).
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("cases/", include("gongkai.applications.urls_officer")),
    path("signoff/", include("gongkai.agencies.urls_signoff")),
    path("manage/catalogue/", include("gongkai.catalogue.urls_manage")),
    path("reports/supervise/", include("gongkai.annual.urls_supervisor")),
    path("reports/monitor/", include("gongkai.monitoring.urls")),
    path("reports/", include("gongkai.annual.urls")),
    path("stats/", include("gongkai.stats.urls")),
    path("audit/", include("gongkai.auditlog.urls")),
    path("jobs/", include("gongkai.jobs.urls")),
    path("", include("gongkai.office.urls")),
    path("", include("gongkai.applications.urls_public")),
    path("gk/", include("gongkai.annual.urls_public")),
    path("gk/", include("gongkai.stats.urls_public")),
    path("gk/", include("gongkai.catalogue.urls_public")),
    # The report checker (年报检查) at /check/; its old addresses /checks/… redirect there for good.
    path("check/", include("gongkai.checker.urls")),
    path("checks/", include("gongkai.checker.urls_moved")),
    # The site's front page: the agencies' columns and a search across them (the old checker form's POST
    # to / is redirected to /check/ by the page itself).
    path("", catalogue_public_views.home, name="home"),
]
