"""The checker's URLs, mounted at ``check/`` (the site's root ``/`` is the public front page).

The addresses it had before (``/`` and ``/checks/…``, until issue 15) answer with a permanent redirect to
these (:mod:`gongkai.checker.urls_moved`), so bookmarks, links and old forms keep working.
"""

from django.urls import path

from gongkai.checker import views

app_name = "checker"

urlpatterns = [
    path("", views.check, name="check"),
    path("save/", views.save, name="save"),
    path("job/<uuid:job_id>/", views.job, name="job"),
    path("saved/", views.saved_list, name="saved_list"),
    path("saved/<int:pk>/", views.saved_detail, name="saved_detail"),
    path("saved/<int:pk>/delete/", views.saved_delete, name="saved_delete"),
]
