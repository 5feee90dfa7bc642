"""Officer workspace URLs (mounted at /cases/)."""

from django.urls import path

from gongkai.applications import views_amend
from gongkai.applications import views_officer as views

app_name = "cases"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.csv", views.export_csv, name="export"),
    path("new/", views.register, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/applicant/", views.applicant, name="applicant"),
    path("<int:pk>/letters/<int:letter_pk>/", views.letter, name="letter"),
    path("<int:pk>/appeals/<int:appeal_pk>/conclude/", views.conclude_appeal, name="conclude_appeal"),
    path("<int:pk>/correct/details/", views_amend.correct_details, name="correct_details"),
    path("<int:pk>/correct/outcome/", views_amend.correct_outcome, name="correct_outcome"),
    # One URL per step of timeline.ACTIONS (confirm_receipt, request_correction, …); others are 404.
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
