from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins made over HTTP.

    Axes needs the request to know the client's address and refuses calls without one; those
    (the shell, Django's test client) are not login attempts from a browser, so they are left to
    the model backend that follows."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
