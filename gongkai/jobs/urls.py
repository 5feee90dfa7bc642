from django.urls import path

from gongkai.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("probe/", views.start_probe, name="probe"),
    path("<uuid:job_id>/", views.job_detail, name="detail"),
    path("<uuid:job_id>/status.json", views.job_status, name="status"),
    path("<uuid:job_id>/cancel/", views.job_cancel, name="cancel"),
    path("<uuid:job_id>/retry/", views.job_retry, name="retry"),
    path("<uuid:job_id>/files/<int:file_id>/", views.job_file, name="file"),
]
