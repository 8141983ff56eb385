"""Issue 10, item 3 (security): request bodies are bounded before anything parses them.

The requests below carry a WSGI input that fails the test when read: a refusal must come
from the headers alone, with CSRF checks on (the CSRF middleware is what parsed the body
first, writing a multipart body's files to temporary files)."""

import io

import pytest
from django.conf import settings as django_settings
from django.test import Client

from feedback.models import Submission
from news.images import MAX_BYTES as NEWS_PHOTO_MAX_BYTES

MB = 1024 * 1024


class UnreadableBody:
    """A WSGI input that must never be read."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = read


@pytest.fixture
def csrf_client() -> Client:
    """A browser that opened the form: with a CSRF cookie, the CSRF middleware reads the
    body to find the token."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "t" * 32
    return client


@pytest.fixture(autouse=True)
def upload_temp_dir(settings, tmp_path):
    """Where Django would write file parts of more than 2.5 MB while parsing."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


def post_unread(client: Client, path: str, length: int | None, **extra):
    environ = {
        "CONTENT_TYPE": "multipart/form-data; boundary=BoUnDaRy",
        "wsgi.input": UnreadableBody(),
        **extra,
    }
    if length is not None:
        environ["CONTENT_LENGTH"] = str(length)
    return client.generic("POST", path, **environ)


@pytest.mark.django_db
def test_a_post_announcing_300_mb_is_refused_from_its_headers(csrf_client, upload_temp_dir):
    response = post_unread(csrf_client, "/ar/feedback/new/", 300 * MB)
    assert response.status_code == 413
    page = response.content.decode()
    assert 'dir="rtl"' in page
    assert "ما أرسلته أكبر مما تقبله هذه الصفحة" in page  # translated
    assert response["Connection"] == "close"
    assert list(upload_temp_dir.iterdir()) == []  # no temporary file
    assert Submission.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "length"),
    [
        ("/en/feedback/new/", 16 * MB + 1),  # three 5 MB files and text fit, more does not
        ("/en/feedback/track/", 2 * MB),  # a text-only form: the 1 MB default
        ("/en/feedback/track/abc/rate/", 2 * MB),
        ("/i18n/setlang/", 2 * MB),
        ("/admin/login/", 12 * MB),  # the admin: 11 MB, for a news photo of 10 MB
        ("/en/staff/queue/bulk/", 2 * MB),
    ],
)
def test_every_post_has_a_body_limit(csrf_client, path, length):
    response = post_unread(csrf_client, path, length, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413, path
    assert "What you sent is larger than this page accepts" in response.content.decode()


@pytest.mark.django_db
def test_a_body_without_a_length_is_refused_unread(csrf_client):
    response = post_unread(csrf_client, "/en/feedback/new/", None, HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411


def test_the_limits_fit_the_largest_legitimate_requests():
    limits = django_settings.REQUEST_MAX_BODY_BYTES_BY_VIEW
    attachments = (
        django_settings.FEEDBACK_MAX_ATTACHMENTS * django_settings.FEEDBACK_MAX_ATTACHMENT_BYTES
    )
    assert limits["feedback:new"] >= attachments + 64 * 1024
    assert limits["admin"] >= NEWS_PHOTO_MAX_BYTES + 64 * 1024


@pytest.mark.django_db
def test_three_attachments_at_their_largest_reach_the_form(client, form_data):
    """Not a 413: the form itself answers (here: not a photo or PDF, with its error)."""
    size = django_settings.FEEDBACK_MAX_ATTACHMENT_BYTES
    files = []
    for n in range(django_settings.FEEDBACK_MAX_ATTACHMENTS):
        upload = io.BytesIO(b"x" * size)
        upload.name = f"scan-{n}.pdf"
        files.append(upload)
    response = client.post("/en/feedback/new/", {**form_data(), "attachments": files})
    assert response.status_code == 200
    assert 'value="Long waiting time"' in response.content.decode()


@pytest.mark.django_db
def test_an_address_over_its_limit_gets_429_before_its_files_are_read(
    client, csrf_client, form_data, settings, upload_temp_dir
):
    settings.FEEDBACK_RATE_LIMITS = {**settings.FEEDBACK_RATE_LIMITS, "submit_address": (2, 3600)}
    for n in range(2):
        assert (
            client.post("/en/feedback/new/", form_data(email=f"p{n}@example.com")).status_code
            == 302
        )
    response = post_unread(csrf_client, "/ar/feedback/new/", 5 * MB)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert 'dir="rtl"' in response.content.decode()
    assert list(upload_temp_dir.iterdir()) == []
    # Another address sending the same is not refused before its body is read.
    with pytest.raises(AssertionError, match="the request body was read"):
        post_unread(csrf_client, "/ar/feedback/new/", 5 * MB, REMOTE_ADDR="192.0.2.77")
