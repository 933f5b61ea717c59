import time

from django.conf import settings

REFRESHED = "_refreshed"  # when this session's expiry was last pushed forward (Unix seconds)


class SessionRefreshMiddleware:
    """Keeps the idle timeout without writing the session on every request.

    SESSION_SAVE_EVERY_REQUEST made every page an UPDATE of the session row, so on SQLite every
    page view queued behind any writer (a long import) for the write lock. A session is saved,
    and so its expiry pushed SESSION_COOKIE_AGE ahead, only when it changes or when its last
    refresh is SESSION_REFRESH_SECONDS old: a session idle for SESSION_COOKIE_AGE ends, one in use
    never does, and a clerk's pages write to the session at most once every few minutes. The idle
    timeout is therefore between SESSION_COOKIE_AGE minus SESSION_REFRESH_SECONDS and
    SESSION_COOKIE_AGE.

    Placed after SessionMiddleware, so that it runs before it on the way out, when the session is
    saved if modified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None:
            return response
        now = int(time.time())
        last = session.get(REFRESHED, 0)  # loads the session, as the login check did already
        # No key once loaded: nothing stored (an anonymous visitor, an expired or flushed session),
        # and saving would create a session.
        if session.session_key is not None and now - last >= settings.SESSION_REFRESH_SECONDS:
            session[REFRESHED] = now  # modified: SessionMiddleware saves it with a new expiry
        return response
