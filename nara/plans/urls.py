"""Plans URLs. Each area has its own module (one namespace, "plans"); person pages carry only the opaque id."""

from django.urls import include, path

from nara.plans import assessment_urls, careplan_urls, sip_urls, worklist_urls

app_name = "plans"
urlpatterns = [
    path("", include(worklist_urls)),
    path("", include(sip_urls)),
    path("", include(assessment_urls)),
    path("", include(careplan_urls)),
]
