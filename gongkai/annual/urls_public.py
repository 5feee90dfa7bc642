from django.urls import path

from gongkai.annual import views_column, views_public

app_name = "annual_public"

urlpatterns = [
    # The 年报 part of the catalogue's column (gongkai.catalogue.presenters_public.PARTS).
    path("<slug:short_code>/reports/", views_column.reports, name="column_reports"),
    path("<slug:short_code>/reports/<int:year>/", views_public.report, name="report"),
    path("<slug:short_code>/reports/<int:year>/report.<str:suffix>", views_public.download, name="download"),
]
