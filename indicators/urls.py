from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/<slug:key>/", views.records, name="records"),
]
