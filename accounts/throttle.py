"""Login throttling beyond django-axes' one lockout rule.

Axes locks one user name from one address after AXES's own limit (settings: five failures). What
it cannot do with its settings alone is a second, higher limit per address across all user names
(one address trying many accounts, "password spraying"): it compares the failures of *every*
lockout parameter set with the same single limit, so adding "ip_address" to
AXES_LOCKOUT_PARAMETERS would lock a whole office behind one NAT address after five typos spread
over five colleagues. And AXES_RESET_ON_SUCCESS deletes the failures of every parameter set on a
successful login, so anyone holding one valid account could reset an address count at will.

Its limit may however be a callable, asked on every login attempt: `failure_limit` below answers
the per-name limit, or 0 once the address has had LOGIN_FAILURES_PER_ADDRESS failures within the
cool-off over all user names — every name tried from that address then counts as locked out, and
axes answers with its lockout page until those failures age out of the cool-off. The count reads
the failures axes already records (AccessAttempt), so a success resets only that name's failures.
"""

from axes.attempts import get_cool_off_threshold
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

ADDRESS_LOCKED = 0  # the limit that locks every user name: failures are never below it
USERNAME_LENGTH = AccessAttempt._meta.get_field("username").max_length


def address_failures(request) -> int:
    """Failed logins from the request's address within the cool-off, over all user names (one query)."""
    return (
        AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
        ).aggregate(n=Sum("failures_since_start"))["n"]
        or 0
    )


def failure_limit(request, credentials=None) -> int:
    """AXES_FAILURE_LIMIT: failures of one user name from one address that lock it out."""
    cap = settings.LOGIN_FAILURES_PER_ADDRESS  # 0 turns the per-address cap off
    if cap and address_failures(request) >= cap:
        return ADDRESS_LOCKED
    return settings.LOGIN_FAILURES_PER_NAME


def username(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: the user name tried, as axes records and counts it (axes' own
    reading), cut to its column's 255 characters. Django's login form does not limit the length
    (it sets max_length after the field's validators are made), so a 100,000-character name
    reached axes and, on PostgreSQL, made the login answer 500. Real user names have at most 150
    characters, so a cut name is never one of them."""
    field = settings.AXES_USERNAME_FORM_FIELD
    name = credentials.get(field) if credentials else getattr(request, "data", request.POST).get(field)
    return name[:USERNAME_LENGTH] if isinstance(name, str) else name
