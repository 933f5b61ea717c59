from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/<slug:key>/", views.records, name="records"),
    path("rollup/", views.rollup, name="rollup"),
    path("rollup/<int:bureau_id>/", views.rollup_bureau, name="rollup_bureau"),
]
