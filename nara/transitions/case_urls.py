"""Discharge case pages under /overgangar/ (only the person's opaque id in the URL)."""

from django.urls import path

from nara.transitions import case_views

urlpatterns = [
    path("inkorg/", case_views.inbox, name="case_inbox"),
    path("<uuid:person_id>/utskrivning/", case_views.case_list, name="case_list"),
    path("<uuid:person_id>/utskrivning/ny/", case_views.case_new, name="case_new"),
    path("<uuid:person_id>/utskrivning/inskrivning/", case_views.case_admission, name="case_admission"),
    path("<uuid:person_id>/utskrivning/<id:pk>/", case_views.case_detail, name="case_detail"),
    path("<uuid:person_id>/utskrivning/<id:pk>/<slug:step>/", case_views.case_step, name="case_step"),
]
