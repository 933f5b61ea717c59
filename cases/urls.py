from django.urls import path

from .desk import views

app_name = "cases"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("cases/<int:pk>/", views.case, name="desk_case"),
    path("cases/<int:pk>/accept/", views.accept, name="desk_accept"),
    path("cases/<int:pk>/reply/", views.reply, name="desk_reply"),
    path("cases/<int:pk>/close/", views.close, name="desk_close"),
]
