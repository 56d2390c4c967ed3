"""Assessment pages under /planer/<person id>/bedomningar/ (CFS first: its slug is not a template key)."""

from django.urls import path

from nara.plans import assessment_views as views

urlpatterns = [
    path("<uuid:person_id>/bedomningar/", views.index, name="assessments"),
    path("<uuid:person_id>/bedomningar/cfs/", views.cfs_list, name="cfs"),
    path("<uuid:person_id>/bedomningar/cfs/ny/", views.cfs_new, name="cfs_new"),
    path(
        "<uuid:person_id>/bedomningar/cfs/forandrat-tillstand/",
        views.condition_changes,
        name="condition_changes",
    ),
    path("<uuid:person_id>/bedomningar/cfs/<id:pk>/", views.cfs_detail, name="cfs_detail"),
    path("<uuid:person_id>/bedomningar/cfs/<id:pk>/andra/", views.cfs_edit, name="cfs_edit"),
    path("<uuid:person_id>/bedomningar/<slug:key>/", views.assessment_list, name="assessment_list"),
    path("<uuid:person_id>/bedomningar/<slug:key>/ny/", views.assessment_new, name="assessment_new"),
    path(
        "<uuid:person_id>/bedomningar/<slug:key>/<id:pk>/", views.assessment_detail, name="assessment_detail"
    ),
    path(
        "<uuid:person_id>/bedomningar/<slug:key>/<id:pk>/andra/",
        views.assessment_edit,
        name="assessment_edit",
    ),
    path(
        "<uuid:person_id>/bedomningar/<slug:key>/<id:pk>/utskrift/",
        views.assessment_print,
        name="assessment_print",
    ),
]
