from django.urls import path

from gongkai.annual import views_column, views_public

app_name = "annual_public"

urlpatterns = [
    # The report's style sheet, from the one the exports use (no inline <style>: the site's CSP forbids it).
    path("report.css", views_public.report_css, name="report_css"),
    # The 年报 part of the catalogue's column (gongkai.catalogue.presenters_public.PARTS).
    path("<slug:short_code>/reports/", views_column.reports, name="column_reports"),
    path("<slug:short_code>/reports/<int:year>/", views_public.report, name="report"),
    path("<slug:short_code>/reports/<int:year>/report.<str:suffix>", views_public.download, name="download"),
]
