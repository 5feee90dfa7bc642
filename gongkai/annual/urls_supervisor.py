"""The 政务公开办's roll-up of annual reports (mounted at /reports/supervise/)."""

from django.urls import path

from gongkai.annual import views_supervisor as views

app_name = "annual_supervise"

urlpatterns = [
    path("", views.index, name="index"),
    # Without a year: last year (both reverse as "rollup", with one argument or two).
    path("<slug:seat>/", views.seat_home, name="rollup"),
    path("<slug:seat>/<int:year>/", views.rollup_page, name="rollup"),
    path("<slug:seat>/<int:year>/status.xlsx", views.rollup_xlsx, name="rollup_xlsx"),
    path("<slug:seat>/<int:year>/deadline/", views.deadline, name="deadline"),
    path("<slug:seat>/<int:year>/export/", views.export_all, name="export_all"),
    path("<slug:seat>/<int:year>/tables/", views.tables_page, name="tables"),
    path("<slug:seat>/<int:year>/import/", views.import_page, name="import"),
    path("<slug:seat>/<int:year>/imports/", views.imports_page, name="imports"),
    path("<slug:seat>/<int:year>/imports.xlsx", views.imports_xlsx, name="imports_xlsx"),
    path("<slug:seat>/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("<slug:seat>/imports/<int:pk>/assign/", views.import_assign, name="import_assign"),
]
