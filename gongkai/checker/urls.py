from django.urls import path

from gongkai.checker import views

app_name = "checker"

urlpatterns = [
    path("", views.check, name="check"),
    path("checks/save/", views.save, name="save"),
    path("checks/job/<uuid:job_id>/", views.job, name="job"),
    path("checks/", views.saved_list, name="saved_list"),
    path("checks/<int:pk>/", views.saved_detail, name="saved_detail"),
    path("checks/<int:pk>/delete/", views.saved_delete, name="saved_delete"),
]
