from django.urls import path

from . import views

app_name = "attachments"
urlpatterns = [
    path("cases/<int:case_pk>/attachments/", views.upload, name="upload"),
    path("attachments/<int:pk>/", views.download, name="download"),
]
