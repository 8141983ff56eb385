"""Staff sessions whose idle expiry slides forward without a write on every request.

Staff sessions end after ``SESSION_COOKIE_AGE`` idle seconds, so each request must push
the expiry forward. Django's ``SESSION_SAVE_EVERY_REQUEST`` does it with an UPDATE and a
commit on every staff request (every admin list, every dashboard view): a disk flush per
page view, and under load the largest wait of those pages. Here the stored expiry is
remembered when the session is read, and an unchanged session is written again only when
that expiry is more than ``REFRESH_SECONDS`` behind where a save now would put it. An
idle session so ends between ``SESSION_COOKIE_AGE - REFRESH_SECONDS`` and
``SESSION_COOKIE_AGE`` after the last request (29 to 30 minutes by default).
"""

from datetime import timedelta

from django.contrib.sessions.backends import db
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse

REFRESH_SECONDS = 60


class SessionStore(db.SessionStore):
    """The database store, remembering the expiry of the row it read."""

    stored_expiry = None

    def _get_session_from_db(self):
        row = super()._get_session_from_db()
        self.stored_expiry = row.expire_date if row is not None else None
        return row

    def expiry_is_behind(self) -> bool:
        """True when a save now would move the stored expiry by more than the slack."""
        if self.stored_expiry is None:
            return False
        return self.get_expiry_date() - self.stored_expiry > timedelta(seconds=REFRESH_SECONDS)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, plus: an unchanged session that was read is saved when its stored expiry
    is behind (see above); changed sessions are saved as always."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.accessed
            and not session.modified
            and isinstance(session, SessionStore)
            and session.expiry_is_behind()
        ):
            session.modified = True
        return super().process_response(request, response)
