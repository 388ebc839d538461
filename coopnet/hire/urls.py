from django.urls import path

from coopnet.hire import views

app_name = "hire"

urlpatterns = [
    path("", views.brief_new, name="brief_new"),
]
