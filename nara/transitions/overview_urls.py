"""Overview pages under /overgangar/ (no person id in these URLs): the overview and the unit's trygg hemgång."""

from django.urls import path

from nara.transitions import overview_views, safe_return_views

urlpatterns = [
    path("oversikt/", overview_views.overview, name="overview"),
    path("trygg-hemgang/", safe_return_views.task_list, name="safe_return"),
    path("trygg-hemgang/<id:pk>/utford/", safe_return_views.safe_return_done, name="safe_return_done"),
]
