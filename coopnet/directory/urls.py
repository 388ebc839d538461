from django.urls import path

from coopnet.directory.views import availability, edit, exports, public

app_name = "directory"

# `home` lives at the site root without the namespace too (see coopnet/urls.py).
urlpatterns = [
    path("coops/", public.coop_list, name="list"),
    path("coops/export.json", exports.directory_json, name="export_json"),
    path("coops/export.csv", exports.directory_csv, name="export_csv"),
    path("coops/<slug:slug>/", public.coop_detail, name="coop"),
    path("coops/<slug:slug>/edit/", edit.coop_edit, name="coop_edit"),
    path("coops/<slug:slug>/murmurations.json", exports.coop_murmurations, name="murmurations"),
    path("services/", public.service_index, name="services"),
    path("services/<slug:slug>/", public.service_detail, name="service"),
    path("technologies/", public.technology_index, name="technologies"),
    path("technologies/<slug:slug>/", public.technology_detail, name="technology"),
    path("privacy/", public.privacy, name="privacy"),
    path(
        "availability/still-true/<str:token>/",
        availability.availability_still_true,
        name="availability_still_true",
    ),
]
