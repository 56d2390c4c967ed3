from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("nara.directory.urls")),
    path("personer/", include("nara.people.urls")),
    path("atkomst/", include("nara.access.urls")),
    path("logg/", include("nara.audit.urls")),
    path("identifiera/", include("nara.identify.urls")),
    path("planer/", include("nara.plans.urls")),
    path("overgangar/", include("nara.transitions.urls")),
]

handler404 = "nara.core.views.not_found"
handler500 = "nara.core.views.server_error"
handler403 = "nara.core.views.forbidden"
