"""Overview pages under /overgangar/ (no person id in these URLs): the overview and the unit's trygg hemgång."""

from django.urls import path

from nara.transitions import followup_views, overview_views

urlpatterns = [
    path("oversikt/", overview_views.overview, name="overview"),
    path("uppfoljning/", followup_views.follow_ups, name="follow_ups"),
    path("uppfoljning/<int:pk>/utford/", followup_views.follow_up_done, name="follow_up_done"),
]
