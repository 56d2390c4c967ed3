"""Care plans, treatment limitations, patient contracts, the prepared care request and the medical referral.

Person pages carry only the person's opaque id (never a personnummer)."""

from django.urls import path

from nara.plans import careplan_views, contract_views

urlpatterns = [
    path("<uuid:person_id>/vardplaner/", careplan_views.care_plans, name="careplans"),
    path("<uuid:person_id>/vardplaner/ny/<slug:kind>/", careplan_views.care_plan_new, name="careplan_new"),
    path("<uuid:person_id>/vardplaner/<id:pk>/", careplan_views.care_plan_detail, name="careplan_detail"),
    path("<uuid:person_id>/vardplaner/<id:pk>/andra/", careplan_views.care_plan_edit, name="careplan_edit"),
    path(
        "<uuid:person_id>/behandlingsbegransningar/ny/", careplan_views.limitation_new, name="limitation_new"
    ),
    path(
        "<uuid:person_id>/behandlingsbegransningar/<id:pk>/",
        careplan_views.limitation_detail,
        name="limitation_detail",
    ),
    path("<uuid:person_id>/vardbegaran/", careplan_views.care_request, name="care_request"),
    path("<uuid:person_id>/vardbegaran/andra/", careplan_views.care_request_edit, name="care_request_edit"),
    path(
        "<uuid:person_id>/vardbegaran/utskrift/", careplan_views.care_request_print, name="care_request_print"
    ),
    path("<uuid:person_id>/vardbegaran/remiss/ny/", careplan_views.referral_new, name="referral_new"),
    path(
        "<uuid:person_id>/vardbegaran/remiss/<id:pk>/utskrift/",
        careplan_views.referral_print,
        name="referral_print",
    ),
    path("<uuid:person_id>/patientkontrakt/", contract_views.contract_list, name="contracts"),
    path("<uuid:person_id>/patientkontrakt/nytt/", contract_views.contract_new, name="contract_new"),
    path(
        "<uuid:person_id>/patientkontrakt/<id:pk>/andra/", contract_views.contract_edit, name="contract_edit"
    ),
    path(
        "<uuid:person_id>/patientkontrakt/<id:pk>/utskrift/",
        contract_views.contract_print,
        name="contract_print",
    ),
]
