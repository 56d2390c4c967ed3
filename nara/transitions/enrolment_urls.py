"""Hemsjukvård enrolment pages under /overgangar/<person id>/hemsjukvard/ and the register /overgangar/hemsjukvard/."""

from django.urls import path

from nara.transitions import enrolment_views as views

urlpatterns = [
    path("hemsjukvard/", views.enrolment_register, name="enrolment_register"),
    path("<uuid:person_id>/hemsjukvard/", views.enrolment, name="enrolment"),
    path("<uuid:person_id>/hemsjukvard/begaran/", views.enrolment_request, name="enrolment_request"),
    path("<uuid:person_id>/hemsjukvard/<id:pk>/", views.enrolment_detail, name="enrolment_detail"),
]
