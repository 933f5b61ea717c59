"""A responsible unit's officer works at their desk: the site's root (the bureau's dashboard,
where login sends everyone) sends them there."""

from django.shortcuts import redirect


class UnitDeskMiddleware:
    """After cases.middleware.ScopeMiddleware, which sets `request.unit`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/" and getattr(request, "unit", None) is not None:
            return redirect("cases:desk")
        return self.get_response(request)
