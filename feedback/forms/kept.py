"""Citizen forms that keep their files across a failed submission (``feedback.kept_uploads``).

A form with a ``MultipleFileField`` mixes in ``KeptUploadsMixin``, names its scope, and
its template includes ``includes/kept_uploads.html`` inside the file field's group; its
view calls ``form.keep_uploads()`` before rendering a bound form again (any error page:
invalid fields, rate limit, failed save) and hands ``form.kept_uploads`` to the workflow
when the form is accepted.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from feedback.kept_uploads import KeptUploads

KEPT_FIELD = "kept_uploads"
REMOVE_FIELD = "kept_remove"

FILES_NOT_KEPT = gettext_lazy(
    "The files you chose earlier could not be kept: the form was open too long or was "
    "changed. Choose them again, or send without them."
)


class KeptUploadsMixin:
    """Put before the form's base (``CitizenForm``, or any form with ``ErrorSummaryMixin``).

    ``kept_uploads_scope`` binds the token to one form (for a clarification, include the
    request's reference): a token of another form opens nothing here."""

    kept_uploads_field = "attachments"
    kept_uploads_scope = ""

    def __init__(self, *args, kept_uploads_scope: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A form about one request (a clarification) passes its own scope per instance.
        self.kept_uploads_scope = kept_uploads_scope or self.kept_uploads_scope
        if not self.kept_uploads_scope:
            raise TypeError(f"{type(self).__name__} must set kept_uploads_scope")
        self.kept_uploads = KeptUploads(scope=self.kept_uploads_scope)

    def full_clean(self) -> None:
        if self.is_bound:
            self.kept_uploads = KeptUploads.from_token(
                self.data.get(self.kept_uploads_token_name, ""), self.kept_uploads_scope
            )
            getlist = getattr(self.data, "getlist", None)
            if getlist is not None:
                self.kept_uploads.remove(getlist(self.kept_remove_name))
            # The kept files take their places first: new ones fill what is left.
            field = self.fields[self.kept_uploads_field]
            field.kept_count = len(self.kept_uploads.files)
            field.kept_pixels = self.kept_uploads.pixels
        super().full_clean()
        if self.is_bound and self.kept_uploads.lost:
            # Never send without the files the citizen believes are attached.
            self.add_error(self.kept_uploads_field, ValidationError(FILES_NOT_KEPT, code="lost"))

    def keep_uploads(self) -> None:
        """Keep the files cleaned in this request, so the re-rendered form still has them.
        Refused files are not kept; the summary says why each was refused."""
        field = self.fields[self.kept_uploads_field]
        self.kept_uploads.keep(field.accepted)
        field.accepted = []

    def error_summary_notes(self) -> list[str]:
        notes = super().error_summary_notes()
        if not self.errors:
            return notes
        return notes + [
            _("“%(name)s” is kept: you do not need to choose it again.") % {"name": kept.name}
            for kept in self.kept_uploads.files
        ]

    @property
    def kept_uploads_token_name(self) -> str:
        return self.add_prefix(KEPT_FIELD)

    @property
    def kept_remove_name(self) -> str:
        return self.add_prefix(REMOVE_FIELD)

    @property
    def kept_uploads_room(self) -> int:
        """How many files may still be chosen beside the kept ones."""
        return max(0, settings.FEEDBACK_MAX_ATTACHMENTS - len(self.kept_uploads.files))
