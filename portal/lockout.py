"""Staff sign-in lockouts: who may try again, and when (django-axes does the recording).

A stranger must not be able to lock a moderator out, so the bounds are:

* per account **and** address: ``STAFF_LOGIN_FAILURE_LIMIT`` (5) failures pause that pair
  for ``STAFF_LOGIN_COOLOFF_MINUTES`` (15), and every further failure of the pair doubles
  the pause (30 min, 1 h, ... at most a day), counted since the pair's last successful
  sign-in. The moderator at their own address is not affected.
* per account, from every address together, and per address, on every account together:
  ``STAFF_LOGIN_FAILURES_PER_HOUR`` (50) failures in the last hour pause the account (or
  the address) until the hour has moved past them: an order above the pair's bound, so it
  takes many addresses guessing at once to reach it.

django-axes 8 counts one limit over its lockout parameters (``AXES_FAILURE_LIMIT``
compared with the largest count of ``AXES_LOCKOUT_PARAMETERS``), so it cannot express
"5 per pair and 50 per account" or a pause that grows. It keeps recording every failure
(``AccessFailureLog``) and success (``AccessLog``) and locks the pair at the fifth failure;
this handler adds the rest on those records. Attempts refused during a pause are not
recorded (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``): hammering a paused
pair checks no password and adds nothing to the account's hourly count.
"""

from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

LONGEST_PAUSE = timedelta(days=1)
HOUR = timedelta(hours=1)


Pause = tuple[datetime, int]  # when it ends, after how many failures


def _pair_pause(username: str, address: str, now: datetime) -> Pause | None:
    since = now - LONGEST_PAUSE
    last_success = (
        AccessLog.objects.filter(username=username, ip_address=address, attempt_time__gte=since)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    failures = AccessFailureLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=last_success or since
    ).order_by("-attempt_time")
    count = failures.count()
    if count < settings.AXES_FAILURE_LIMIT:
        return None
    doublings = min(count - settings.AXES_FAILURE_LIMIT, 10)
    pause = min(settings.AXES_COOLOFF_TIME * 2**doublings, LONGEST_PAUSE)
    return failures.values_list("attempt_time", flat=True)[0] + pause, count


def _hourly_pause(now: datetime, **who: str) -> Pause | None:
    limit = settings.STAFF_LOGIN_FAILURES_PER_HOUR
    times = list(
        AccessFailureLog.objects.filter(attempt_time__gt=now - HOUR, **who)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)[:limit]
    )
    if len(times) < limit:
        return None
    # Free again once the oldest of the last `limit` failures is an hour old.
    return times[-1] + HOUR, limit


def current_pause(
    username: str | None, address: str, now: datetime | None = None
) -> tuple[timedelta, int]:
    """How long sign-in stays paused for ``username`` from ``address`` (zero: it is not),
    and after how many failures."""
    now = now or timezone.now()
    pauses = [_hourly_pause(now, ip_address=address)]
    if username:
        pauses += [_pair_pause(username, address, now), _hourly_pause(now, username=username)]
    end, failures = max((pause for pause in pauses if pause is not None), default=(now, 0))
    return max(end - now, timedelta(0)), failures


class StaffLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, with the bounds above as its lock."""

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):  # the pair's fifth failure, just now
            return True
        username = get_client_username(request, credentials)
        remaining, _failures = current_pause(username, get_client_ip_address(request))
        return remaining > timedelta(0)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        """The failure that starts a pause answers with the pause page at once (axes only
        does so for its own fifth failure)."""
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if (
            request is not None
            and not getattr(request, "axes_locked_out", False)
            and not self.is_whitelisted(request, credentials)
            and self.is_locked(request, credentials)
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The translated pause page, naming the real wait (it grows), as a 429."""
    username = get_client_username(request, credentials)
    remaining, failures = current_pause(username, get_client_ip_address(request))
    context = {
        "failure_limit": failures or settings.AXES_FAILURE_LIMIT,
        # Whole minutes, rounded up: "1 minute" rather than "0 minutes".
        "cooloff_timedelta": timedelta(minutes=max(1, -(-remaining // timedelta(minutes=1)))),
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
