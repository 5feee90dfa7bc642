"""The 政务公开办's monitoring of published reports (mounted at /reports/monitor/)."""

from django.urls import path

from gongkai.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:seat>/", views.seat_page, name="seat"),
    path("<slug:seat>/start/", views.start, name="start"),
    path("<slug:seat>/runs/<int:pk>/", views.run_page, name="run"),
    path("<slug:seat>/runs/<int:pk>/result.xlsx", views.run_xlsx, name="run_xlsx"),
    path("<slug:seat>/outcomes/<int:pk>/", views.outcome_page, name="outcome"),
    path("<slug:seat>/fetches/<int:pk>/file", views.fetch_file, name="fetch_file"),
]
