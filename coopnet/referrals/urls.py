from django.urls import path

from coopnet.referrals import views
from coopnet.referrals.feeds import OpenReferralsFeed

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("ledger/", views.ledger, name="ledger"),
    path("totals/", views.totals, name="totals"),
    path("feed/<str:token>.atom", OpenReferralsFeed(), name="feed"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/claim/", views.referral_claim_view, name="claim"),
    path("<int:pk>/decline/", views.referral_decline_view, name="decline"),
    path("<int:pk>/status/", views.referral_status_view, name="status"),
]
