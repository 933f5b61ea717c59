"""Where a user lands: a clerk on their work, not on the head's dashboard.

Login sends everyone to the site's root (settings.LOGIN_REDIRECT_URL). A responsible unit's
officer is sent on to their desk (cases.desk.middleware); a clerk — a user who enters cases but
does not publish the report, as the head and the administrator do — to the case list, whose top
counts the overdue and due-soon cases with links to them (templates/admin/change_list.html).
The head and the staff land on the dashboard as before. The clerk still reads the dashboard from
the header's 工作指标 link (`/?view=dashboard`): only the bare root redirects.
"""

from django.shortcuts import redirect

from accounts import roles


def lands_on_case_list(user) -> bool:
    """A clerk's work: entering cases, without the head's or the administrator's say over the
    report. Read from the permissions (accounts.roles), which the request's user object caches,
    so that asking on every page costs no query."""
    if not user.is_authenticated:
        return False
    return user.has_perm("cases.add_petitioncase") and not user.has_perm(roles.PUBLISH_REPORT)


class ClerkLandingMiddleware:
    """After cases.middleware.ScopeMiddleware, which sets `request.bureau` and `request.unit`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path == "/"
            and not request.GET
            and getattr(request, "bureau", None) is not None
            and getattr(request, "unit", None) is None
            and lands_on_case_list(request.user)
        ):
            return redirect("admin:cases_petitioncase_changelist")
        return self.get_response(request)
