from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("people/lookup/", views.lookup, name="lookup"),
    path("cases/new/", views.register, name="register"),
]
