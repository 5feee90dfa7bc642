"""The statistics for staff and 政务公开办 (mounted at /stats/)."""

from django.urls import path

from gongkai.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.index, name="index"),
    path("supervise/<slug:short_code>/", views.supervise, name="supervise"),
    path("supervise/<slug:short_code>/stats.xlsx", views.supervise_xlsx, name="supervise_xlsx"),
    path("supervise/<slug:short_code>/stats.csv", views.supervise_csv, name="supervise_csv"),
    path("<slug:short_code>/", views.agency_page, name="agency"),
]
