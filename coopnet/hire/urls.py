from django.urls import path

from coopnet.hire import views

app_name = "hire"

urlpatterns = [
    # The client (no account)
    path("", views.brief_new, name="brief_new"),
    path("thanks/", views.brief_thanks, name="brief_thanks"),
    path("brief/<str:token>/", views.brief_status, name="brief_status"),
    path("brief/<str:token>/choose/", views.brief_choose, name="brief_choose"),
    path("brief/<str:token>/withdraw/", views.brief_withdraw, name="brief_withdraw"),
    path("brief/<str:token>/new-link/", views.brief_renew, name="brief_renew"),
    # Coordinators
    path("briefs/", views.brief_list, name="brief_list"),
    path("briefs/<int:pk>/", views.coordinator_brief, name="coordinator_brief"),
    path("briefs/<int:pk>/send/", views.coordinator_brief_send, name="coordinator_brief_send"),
    path(
        "briefs/<int:pk>/send-team/",
        views.coordinator_brief_send_team,
        name="coordinator_brief_send_team",
    ),
    path("briefs/<int:pk>/close/", views.coordinator_brief_close, name="coordinator_brief_close"),
    path(
        "briefs/<int:pk>/new-link/",
        views.coordinator_brief_renew,
        name="coordinator_brief_renew",
    ),
    path(
        "briefs/<int:pk>/revoke-link/",
        views.coordinator_brief_revoke,
        name="coordinator_brief_revoke",
    ),
    # The co-ops' inbox
    path("conflicts/<slug:slug>/", views.coop_conflicts, name="coop_conflicts"),
    path(
        "conflicts/<slug:slug>/<int:pk>/remove/",
        views.coop_conflict_remove,
        name="coop_conflict_remove",
    ),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_detail, name="inbox_detail"),
    path("inbox/<int:pk>/answer/", views.inbox_answer, name="inbox_answer"),
    path("inbox/<int:pk>/pass/", views.inbox_pass, name="inbox_pass"),
    path("inbox/<int:pk>/outcome/", views.inbox_outcome, name="inbox_outcome"),
    path("inbox/<int:pk>/case-study/", views.inbox_case_study, name="inbox_case_study"),
]
