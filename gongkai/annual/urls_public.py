from django.urls import path

from gongkai.annual import views_public

app_name = "annual_public"

urlpatterns = [
    path("<slug:short_code>/reports/<int:year>/", views_public.report, name="report"),
    path("<slug:short_code>/reports/<int:year>/report.<str:suffix>", views_public.download, name="download"),
]
