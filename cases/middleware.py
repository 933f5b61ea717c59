"""Each request acts within its user's organization (cases.scoping says what that means)."""

from cases.models import Membership
from cases.scoping import acting_for, as_site_admin


class ScopeMiddleware:
    """Runs each request inside its user's organization. After the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        membership = Membership.of(user) if user.is_authenticated else None
        request.membership = membership
        request.bureau = membership.bureau if membership else None
        request.unit = membership.unit if membership else None
        # The site administrator: a superuser in no bureau (cases.admin.bureau reads this).
        request.is_site_admin = membership is None and user.is_authenticated and user.is_superuser
        context = as_site_admin() if request.is_site_admin else acting_for(request.bureau, request.unit)
        with context:
            return self.get_response(request)
