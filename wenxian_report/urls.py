from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("indicators.urls")),
    path("", include("cases.people.urls")),
    path("reports/", include("reports.urls")),
    path("unit/", include("cases.urls")),
    path("jobs/", include("cases.jobs.urls")),
    # A case's files and notices before its stages: cases/<pk>/<stage>/ would take "attachments".
    path("", include("cases.attachments.urls")),
    path("", include("notices.urls")),
    path("", include("cases.casework.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
