"""Files a citizen attached survive a form that comes back with an error.

A citizen's files are cleaned once (``feedback.uploads``), then, when the form cannot be
accepted yet (a field error, a rate limit, a failed save), the *cleaned* bytes are kept
in the private storage under random names and listed in a token the form carries in a
hidden field. The token is signed with ``django.core.signing`` (a salt per form, so a
token of one form is worthless on another) and lives ``FEEDBACK_KEPT_UPLOADS_SECONDS``;
it names each file by a random id, never by a guessable name, so only whoever holds the
page can claim its files. ``purge_expired`` deletes what nobody claimed.

``workflow.submit`` turns kept files into attachments and deletes the kept copies after
the commit; ``feedback.forms.kept.KeptUploadsMixin`` gives any citizen form this behaviour.
"""

import hashlib
import io
import logging
import re
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from feedback.models import private_storage
from feedback.uploads import CleanFile
from portal.images import cost
from portal.storage import delete_older_than
from portal.tasks import task

logger = logging.getLogger(__name__)

FOLDER = "kept"
SALT = "feedback.kept-uploads"
_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class KeptFile:
    """A cleaned file in the private storage, waiting for its form to be sent."""

    id: str  # 128 random bits: the storage name, unguessable
    name: str  # the cleaned name shown to the citizen ("photo.jpg")
    content_type: str
    sha256: str
    size: int
    kept_at: int  # Unix time; the file expires FEEDBACK_KEPT_UPLOADS_SECONDS later
    pixels: int  # what the image counts against a message's pixel budget (0: a PDF)

    @property
    def path(self) -> str:
        return f"{FOLDER}/{self.id}"

    def load(self) -> CleanFile:
        """The cleaned file again; an error if it is gone or not what was kept."""
        with private_storage.open(self.path, "rb") as stored:
            content = stored.read()
        if hashlib.sha256(content).hexdigest() != self.sha256:
            raise ValueError(f"kept upload {self.id} does not match its token")
        return CleanFile(
            content=content, name=self.name, content_type=self.content_type, sha256=self.sha256
        )

    def as_entry(self) -> list:
        return [
            self.id,
            self.name,
            self.content_type,
            self.sha256,
            self.size,
            self.kept_at,
            self.pixels,
        ]

    @classmethod
    def from_entry(cls, entry: list) -> "KeptFile":
        id_, name, content_type, sha256, size, kept_at, pixels = entry
        if not (_ID.match(id_) and all(isinstance(n, int) for n in (size, kept_at, pixels))):
            raise ValueError("malformed kept upload entry")
        return cls(str(id_), str(name), str(content_type), str(sha256), size, kept_at, pixels)


@dataclass
class KeptUploads:
    """The kept files of one form, read from its token and written back into a new one.

    ``scope`` names the form (``"submission"``, or a clarification of one reference): it
    is part of the signing salt, so a token only ever opens the files of its own form.
    ``lost`` says that files the citizen chose earlier could not be kept (the token
    expired, was altered, or its files were purged): the form must say so.
    """

    scope: str
    files: list[KeptFile] = field(default_factory=list)
    lost: bool = False

    @classmethod
    def from_token(cls, token: str, scope: str) -> "KeptUploads":
        kept = cls(scope=scope)
        if not token:
            return kept
        max_age = settings.FEEDBACK_KEPT_UPLOADS_SECONDS
        try:
            entries = signing.loads(token, salt=_salt(scope), max_age=max_age)
            candidates = [KeptFile.from_entry(entry) for entry in entries]
        except signing.SignatureExpired:
            logger.info("kept uploads token expired")
            kept.lost = True
            return kept
        except (signing.BadSignature, TypeError, ValueError):
            # An altered or truncated token (or one of another form): never an error page.
            logger.warning("kept uploads token refused: bad signature or content")
            kept.lost = True
            return kept
        now = int(time.time())
        for candidate in candidates[: settings.FEEDBACK_MAX_ATTACHMENTS]:
            if now - candidate.kept_at > max_age or not private_storage.exists(candidate.path):
                kept.lost = True  # expired, purged, or already sent with the form
                continue
            if candidate.id not in {f.id for f in kept.files}:
                kept.files.append(candidate)
        return kept

    @property
    def token(self) -> str:
        """The token for the re-rendered form; empty when nothing is kept."""
        if not self.files:
            return ""
        return signing.dumps(
            [kept.as_entry() for kept in self.files], salt=_salt(self.scope), compress=True
        )

    def keep(self, cleaned: Iterable[CleanFile]) -> None:
        """Store cleaned files so the next submission of the form can use them."""
        for clean in cleaned:
            kept = KeptFile(
                id=secrets.token_hex(16),
                name=clean.name,
                content_type=clean.content_type,
                sha256=clean.sha256,
                size=clean.size,
                kept_at=int(time.time()),
                pixels=_pixels(clean),
            )
            try:
                stored_as = private_storage.save(kept.path, ContentFile(clean.content))
            except OSError as error:
                # A full disk: the page still comes back with the text; this file is not
                # listed as kept, so the citizen is not told it is (docs/resilience.md).
                logger.warning("attachment not kept for the next try: %s", error)
                continue
            if stored_as != kept.path:  # never happens with 128 random bits; never guess
                private_storage.delete(stored_as)
                raise RuntimeError("kept upload name collision")
            self.files.append(kept)

    def remove(self, ids: Sequence[str]) -> list[KeptFile]:
        """Forget and delete the files the citizen removed. Ids the token does not list
        are ignored: a posted id never reaches someone else's file."""
        wanted = set(ids)
        removed = [kept for kept in self.files if kept.id in wanted]
        self.files = [kept for kept in self.files if kept.id not in wanted]
        _delete(removed)
        return removed

    def load(self) -> list[CleanFile]:
        return [kept.load() for kept in self.files]

    @property
    def pixels(self) -> int:
        return sum(kept.pixels for kept in self.files)

    def discard(self) -> None:
        """Delete the kept copies (their form was sent: they are attachments now)."""
        _delete(self.files)
        self.files = []


def _pixels(clean: CleanFile) -> int:
    if not clean.content_type.startswith("image/"):
        return 0
    # Our own re-encoded output, within the bounds: only its header is read.
    with Image.open(io.BytesIO(clean.content)) as image:
        return cost(image.size, image.format)


def _salt(scope: str) -> str:
    return f"{SALT}:{scope}"


def _delete(files: Iterable[KeptFile]) -> None:
    for kept in files:
        private_storage.delete(kept.path)


def purge_expired(now: datetime | None = None) -> int:
    """Delete every kept file older than FEEDBACK_KEPT_UPLOADS_SECONDS; returns how many.

    The storage is the record: a file's modification time is when it was kept, and no
    token accepts a file older than that bound, so what is purged can never be claimed.
    """
    now = now or timezone.now()
    oldest = now - timedelta(seconds=settings.FEEDBACK_KEPT_UPLOADS_SECONDS)
    purged = delete_older_than(private_storage, FOLDER, oldest)
    logger.info("kept uploads purge: %s files deleted", purged)
    return purged


@task()
def purge_kept_uploads_task() -> int:
    """The purge of expired kept uploads (``manage.py purge_kept_uploads``)."""
    return purge_expired()
