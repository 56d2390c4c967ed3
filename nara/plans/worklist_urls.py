"""The unit's work list at /planer/arbetslista/ (no person id in the URL)."""

from django.urls import path

from nara.plans import worklist_views

urlpatterns = [
    path("arbetslista/", worklist_views.worklist, name="worklist"),
]
