from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("cases/<int:pk>/notices/<slug:kind>.pdf", views.notice_pdf, name="pdf"),
]
