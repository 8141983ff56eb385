"""Issue 7, item 3: guessing. References, tracking links, staff URLs and attachment URLs
that a stranger can make up lead nowhere, and tell nothing about what exists."""

import re

import pytest
from django.core import signing
from django.test import Client

from feedback.references import generate_reference
from feedback.tracking import SALT, make_token
from tests.security.conftest import track_url

NOT_FOUND = "We could not find a request with this reference and e-mail address."


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.django_db
def test_reference_and_email_must_both_match_and_failures_look_alike(client, item):
    answers = []
    for reference, email in [
        (item.reference, "someone.else@example.com"),  # a real reference, wrong e-mail
        (generate_reference(), "citizen@example.com"),  # a made-up reference
        (item.reference, ""),
        (item.reference.replace("-", ""), "CITIZEN@example.com"),  # the right one, loosely typed
    ]:
        response = client.post("/en/feedback/track/", {"reference": reference, "email": email})
        answers.append((response.status_code, response.content.decode()))
    for status, html in answers[:2]:
        assert status == 200 and NOT_FOUND in html
    # The wrong e-mail and the made-up reference give the same page (the typed values aside).
    strip = lambda html: re.sub(r'value="[^"]*"', "", without_tokens(html))  # noqa: E731
    assert strip(answers[0][1]) == strip(answers[1][1])
    assert "Your request" in answers[3][1]  # the control: the right pair opens it


@pytest.mark.django_db
def test_guessed_or_forged_tracking_links_are_not_found(client, item):
    real = track_url(item)
    assert client.get(real).status_code == 200  # the control
    attachment = item.attachments.get()
    token = real.rstrip("/").rsplit("/", 1)[1]
    forged = [
        item.reference,  # the reference alone
        f"{item.reference}:{'A' * 43}",  # a made-up signature
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # one character changed
        signing.Signer(algorithm="sha256").sign(item.reference),  # no salt
        signing.Signer(salt=SALT, algorithm="sha1").sign(item.reference),  # weaker algorithm
        signing.Signer(key="guessed-secret", salt=SALT, algorithm="sha256").sign(item.reference),
        make_token(generate_reference()),  # a valid signature of a reference that does not exist
    ]
    for candidate in forged:
        assert client.get(f"/en/feedback/track/{candidate}/").status_code == 404, candidate
        assert (
            client.post(f"/en/feedback/track/{candidate}/rate/", {"rating": 5}).status_code == 404
        )
        response = client.post(f"/en/feedback/track/{candidate}/erase/", {"confirm": "on"})
        assert response.status_code == 404
        for file_url in (f"files/{attachment.pk}/", f"files/{attachment.pk}/preview/"):
            response = client.get(f"/en/feedback/track/{candidate}/{file_url}")
            assert response.status_code == 404, (candidate, file_url)
    item.refresh_from_db()
    assert item.rating is None and item.erasure_requested_at is None


def test_references_are_random_and_hard_to_guess():
    references = {generate_reference() for _ in range(2000)}
    assert len(references) == 2000
    alphabet = set("".join(references).replace("TW-", "").replace("-", ""))
    # 8 symbols from an alphabet of at least 30: over 10^11 possibilities per guess.
    assert len(alphabet) >= 30 and len(alphabet) ** 8 > 10**11


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [None, "officer_b", "editor", "manager"])
def test_attachment_urls_open_only_for_those_who_see_the_request(
    request, client_as, moderator, officer_a, item, persona
):
    attachment = item.attachments.get()
    url = f"/en/feedback/attachments/{attachment.pk}/"
    for user in (moderator, officer_a):  # the control: those who may, can
        response = client_as(user).get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content)  # read to the end: the test client closes it
    browser = client_as(request.getfixturevalue(persona)) if persona else Client()
    response = browser.get(url)
    if persona is None:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    else:
        assert response.status_code == 404
    for other in (attachment.pk + 1, attachment.pk + 1000, 0):
        assert client_as(moderator).get(f"/en/feedback/attachments/{other}/").status_code == 404
    # The file itself is not under any public address.
    name = attachment.file.name
    for public in (f"/media/{name}", f"/static/{name}", f"/{name}", f"/private/{name}"):
        assert Client().get(public).status_code == 404, public


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["officer_b", "editor", "manager"])
def test_staff_urls_of_a_request_are_not_found_for_outsiders(
    request, client_as, item, officer_a, persona
):
    assert client_as(officer_a).get(f"/en/staff/items/{item.reference}/").status_code == 200
    browser = client_as(request.getfixturevalue(persona))
    assert browser.get(f"/en/staff/items/{item.reference}/").status_code == 404
    for action in ("close", "note", "erase"):
        response = browser.post(f"/en/staff/items/{item.reference}/{action}/", {})
        assert response.status_code == 404
    # A real reference and a made-up one: the same 404.
    made_up = browser.get(f"/en/staff/items/{generate_reference()}/")
    assert made_up.status_code == 404
