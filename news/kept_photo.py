"""An editor's chosen photo survives an admin form that comes back with an error.

A browser never refills a file input, so after any error (a missing summary, a reserved
slug) the photo was gone and the article was saved without it unless the editor noticed.
Now a photo that passed its checks (``news.images.validate_photo``) is stored under a
random name outside the public ``news/`` folder of ``MEDIA_ROOT`` and named by a signed
token (``django.core.signing``: its own salt, the editor's user id inside, valid for
``MAX_AGE``) that the form carries in a hidden field; the next save takes the photo from
there. The files of the citizens' forms have their own mechanism in ``feedback``, tied to
its private storage; an editor's photo is public once saved, so this one is smaller:
expired files are deleted whenever another photo is kept (a handful of editors, so no
scheduled job is needed).
"""

import logging
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from portal.storage import delete_older_than

logger = logging.getLogger(__name__)

FOLDER = "kept/news-photos"
SALT = "news.kept-photo"
MAX_AGE = 60 * 60  # seconds: long enough to fix a form, short enough to leave no trace
_ID = re.compile(r"^[0-9a-f]{32}$")


class KeptPhoto(ContentFile):
    """The photo again, as a file the form can clean and the model can save."""

    token: str = ""


@dataclass(frozen=True)
class Claim:
    photo: KeptPhoto | None
    lost: bool  # the editor had chosen a photo that could not be kept (expired, altered)


def keep(upload, user_id: int) -> KeptPhoto:
    """Store a checked upload; returns it as a KeptPhoto that carries its token."""
    purge_expired()
    file_id = secrets.token_hex(16)
    upload.seek(0)
    content = upload.read()
    stored = default_storage.save(f"{FOLDER}/{file_id}", ContentFile(content))
    if stored != f"{FOLDER}/{file_id}":  # 128 random bits never collide; never guess
        default_storage.delete(stored)
        raise RuntimeError("kept photo name collision")
    name = PurePosixPath(upload.name or "photo").name
    token = signing.dumps({"id": file_id, "name": name, "user": user_id}, salt=SALT)
    return _photo(content, name, token)


def claim(token: str, user_id: int) -> Claim:
    """The kept photo a form's token names, if it is still there and the editor's own."""
    if not token:
        return Claim(None, lost=False)
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        file_id, name = str(data["id"]), str(data["name"])
        if not _ID.match(file_id) or data["user"] != user_id:
            raise signing.BadSignature("kept photo of another form or editor")
        with default_storage.open(f"{FOLDER}/{file_id}", "rb") as stored:
            content = stored.read()
    except signing.SignatureExpired:
        return Claim(None, lost=True)
    except (signing.BadSignature, KeyError, TypeError, FileNotFoundError):
        logger.warning("kept photo token refused or its file is gone")
        return Claim(None, lost=True)
    return Claim(_photo(content, name, token), lost=False)


def discard(token: str) -> None:
    """Delete a kept photo once its article is saved with it."""
    try:
        file_id = str(signing.loads(token, salt=SALT)["id"])
    except (signing.BadSignature, KeyError, TypeError):
        return
    if _ID.match(file_id):
        default_storage.delete(f"{FOLDER}/{file_id}")


def purge_expired(now: float | None = None) -> int:
    """Delete the kept photos no token can claim any more; returns how many."""
    oldest = datetime.fromtimestamp((now or time.time()) - MAX_AGE, tz=UTC)
    return delete_older_than(default_storage, FOLDER, oldest)


def _photo(content: bytes, name: str, token: str) -> KeptPhoto:
    photo = KeptPhoto(content, name=name)
    photo.token = token
    return photo
