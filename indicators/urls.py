from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/print/", views.dashboard_print, name="dashboard_print"),
    path("dashboard/export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("indicators/<slug:key>/", views.records, name="records"),
    path("rollup/", views.rollup, name="rollup"),
    path("rollup/export.xlsx", views.rollup_export, name="rollup_export"),
    path("rollup/<int:bureau_id>/", views.rollup_bureau, name="rollup_bureau"),
    path("references/", views.reference_figures, name="references"),
    path("references/<int:pk>/", views.reference_figure_edit, name="reference_edit"),
]
