"""SIP pages under /planer/<person_id>/sip/ (only the person's opaque id in the URL)."""

from django.urls import path

from nara.plans import sip_views

urlpatterns = [
    path("<uuid:person_id>/sip/", sip_views.sip_list, name="sip_list"),
    path("<uuid:person_id>/sip/ny/", sip_views.sip_new, name="sip_new"),
    path("<uuid:person_id>/sip/<id:pk>/", sip_views.sip_detail, name="sip_detail"),
    path("<uuid:person_id>/sip/<id:pk>/utskrift/", sip_views.sip_print, name="sip_print"),
    path("<uuid:person_id>/sip/<id:pk>/historik/", sip_views.sip_history, name="sip_history"),
    path("<uuid:person_id>/sip/<id:pk>/historik/<id:number>/", sip_views.sip_version, name="sip_version"),
    path("<uuid:person_id>/sip/<id:pk>/<slug:part>/", sip_views.sip_part, name="sip_part"),
]
