"""Transitions URLs (namespace "transitions", mounted at /overgangar/); each area has its own module."""

from django.urls import include, path

from nara.transitions import agreement_urls, case_urls, enrolment_urls, overview_urls

app_name = "transitions"
urlpatterns = [
    path("", include(overview_urls)),
    path("", include(case_urls)),
    path("", include(agreement_urls)),
    path("", include(enrolment_urls)),
]
