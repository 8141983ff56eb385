"""Issue 10, item 4: the official sender cannot be made to mail someone else's words.

Anyone may type any address into the feedback form, and the portal then writes to it from
its own address. So a mail to a citizen carries no citizen-written text (the name, the
subject, the details), names and subjects are one line of plain text (no line break, no
control character, no bidi override that would reorder what a moderator reads), every
other citizen text loses its dangerous controls before it is stored, and the per-address
limit counts the tags and spellings of one mailbox as that mailbox."""

import datetime

import pytest
from django import forms
from django.core import mail
from django.utils import timezone

from feedback import digest, ratelimit, workflow
from feedback import forms as feedback_forms
from feedback.forms import public as public_forms
from feedback.mail import send_with_retries
from feedback.models import Submission
from portal.forms import CitizenForm, CitizenTextField, OneLineField
from portal.text import is_one_line
from tests.security.conftest import track_url

# Words a spammer would like the portal to mail for them.
LURE_NAME = "Prize desk: claim at https://evil.example/claim"
LURE_SUBJECT = "Your account is locked, sign in at https://evil.example/login"
LURE_BODY = "Urgent: send your bank card number to https://evil.example/pay today."
LURE_WORDS = ["evil.example", "Prize desk", "account is locked", "bank card"]


def submission_data(topic, **overrides) -> dict:
    data = {
        "kind": "complaint",
        "topic": str(topic.pk),
        "subject": "Long waiting time",
        "body": "I waited three hours at the health centre for a booked appointment.",
        "name": "Aisha",
        "email": "victim@example.com",
        "phone": "",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


# Characters that break a line or hide/reorder text; each is refused in a name or subject.
REFUSED = {
    "LF": "\n",
    "CR": "\r",
    "CRLF": "\r\n",
    "VT": "\x0b",
    "FF": "\x0c",
    "file separator": "\x1c",
    "NEL": "\x85",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "NUL": "\x00",
    "ESC": "\x1b",
    "DEL": "\x7f",
    "CSI (C1)": "\x9b",
    "LRE": "\u202a",
    "RLE": "\u202b",
    "PDF": "\u202c",
    "LRO": "\u202d",
    "RLO": "\u202e",
    "LRI": "\u2066",
    "RLI": "\u2067",
    "FSI": "\u2068",
    "PDI": "\u2069",
}
REFUSED_CASES = [(field, label) for field in ("name", "subject") for label in REFUSED]

ONE_LINE_ERROR = {
    "en": "must be one line of plain text",
    "ar": "سطرًا واحدًا",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "label"), REFUSED_CASES, ids=[f"{f}-{c}" for f, c in REFUSED_CASES]
)
def test_a_name_or_subject_that_is_not_one_line_is_refused_on_the_form(client, topic, field, label):
    char = REFUSED[label]
    typed = f"Aisha{char}Bcc: all@example.com" if field == "name" else f"Waiting{char}time"
    data = submission_data(topic, **{field: typed})
    response = client.post("/en/feedback/new/", data)
    assert response.status_code == 200
    assert not Submission.objects.exists()
    page = response.content.decode()
    assert ONE_LINE_ERROR["en"] in page
    assert f'href="#id_{field}"' in page  # the error summary points at the field
    # Everything else typed is kept.
    assert data["body"] in page and "victim@example.com" in page


@pytest.mark.django_db
def test_the_one_line_error_is_translated(client, topic):
    response = client.post("/ar/feedback/new/", submission_data(topic, subject="سطر\u202eأول"))
    assert response.status_code == 200
    page = response.content.decode()
    assert ONE_LINE_ERROR["ar"] in page and ONE_LINE_ERROR["en"] not in page


@pytest.mark.django_db
def test_marks_that_arabic_text_uses_are_kept(client, topic):
    """RLM, LRM, the Arabic letter mark and ZWNJ/ZWJ fix the order of punctuation and the
    shape of letters in real names and subjects; they cannot reorder a run of text."""
    name = "عائشة\u200f (Aisha)\u200e محمد\u061c"
    subject = "خدمة\u200cالمواعيد\u200d 2026\u200f"
    response = client.post("/en/feedback/new/", submission_data(topic, name=name, subject=subject))
    assert response.status_code == 302
    item = Submission.objects.get()
    assert (item.name, item.subject) == (name, subject)


@pytest.mark.django_db
def test_a_tab_in_a_name_is_a_space(client, topic):
    client.post("/en/feedback/new/", submission_data(topic, name="Aisha\tAl-Harthy"))
    assert Submission.objects.get().name == "Aisha Al-Harthy"


DIRTY_BODY = (
    "First line\r\nSecond line\rThird line\u2028Fourth\u2029Fifth\x85Sixth\n"
    "\u202eevil\u202c \u2066isolated\u2069 \x1b[31mred\x00 \x9bend\x7f\ttab kept \u200fmark"
)
CLEAN_BODY = (
    "First line\nSecond line\nThird line\nFourth\nFifth\nSixth\n"
    "evil isolated [31mred end\ttab kept \u200fmark"
)


@pytest.mark.django_db
def test_dangerous_controls_are_removed_from_the_details_and_new_lines_kept(client, topic):
    response = client.post("/en/feedback/new/", submission_data(topic, body=DIRTY_BODY))
    assert response.status_code == 302
    assert Submission.objects.get().body == CLEAN_BODY


@pytest.mark.django_db
def test_dangerous_controls_are_removed_from_the_rating_comment(client, item):
    response = client.post(track_url(item) + "rate/", {"rating": "4", "comment": DIRTY_BODY})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.rating_comment == CLEAN_BODY


def test_every_citizen_form_gets_the_rule_by_default():
    """The rule is in the fields of ``CitizenForm``: a citizen form cannot declare a text
    field without it, and every form of the public pages is one."""
    public = [
        value
        for value in vars(public_forms).values()
        if isinstance(value, type)
        and issubclass(value, forms.BaseForm)
        and value.__module__ == public_forms.__name__
    ]
    assert {f.__name__ for f in public} >= {
        "SubmissionForm", "TrackForm", "RatingForm", "ErasureRequestForm",
    }  # fmt: skip
    for form_class in public:
        assert issubclass(form_class, CitizenForm), form_class
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.CharField):
                assert isinstance(field, CitizenTextField), (form_class, name)
    assert isinstance(public_forms.SubmissionForm.base_fields["name"], OneLineField)
    assert isinstance(public_forms.SubmissionForm.base_fields["subject"], OneLineField)

    with pytest.raises(TypeError, match="CitizenTextField"):

        class Careless(CitizenForm):
            reason = forms.CharField()

    assert feedback_forms  # the package imports every form module without a TypeError


# --- What the portal mails ---------------------------------------------------------------


def assert_no_citizen_text(message, *texts: str) -> None:
    whole = f"{message.subject}\n{message.body}\n{message.extra_headers}"
    for text in (*texts, *LURE_WORDS):
        assert text not in whole, (text, message.subject, message.body)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_confirmation_mail_holds_no_citizen_written_text(
    client, topic, lang, django_capture_on_commit_callbacks
):
    data = submission_data(topic, name=LURE_NAME, subject=LURE_SUBJECT, body=LURE_BODY)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/{lang}/feedback/new/", data).status_code == 302
    item = Submission.objects.get()
    (message,) = mail.outbox
    assert message.to == ["victim@example.com"]
    assert_no_citizen_text(message, LURE_NAME, LURE_SUBJECT, LURE_BODY)
    # What it does say: a greeting without a name, the reference, the private link.
    assert {"ar": "مرحبًا", "en": "Hello,"}[lang] in message.body
    assert item.reference in message.subject and item.reference in message.body
    assert f"/{lang}/feedback/track/" in message.body


@pytest.mark.django_db
def test_no_mail_to_a_citizen_reflects_their_words(
    client, topic, ministry_a, ministry_b, moderator, officer_a,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """The answer, rejection, merge and re-routing mails: the staff-written message, the
    reference and the link; never the name, subject or details."""
    data = submission_data(topic, name=LURE_NAME, subject=LURE_SUBJECT, body=LURE_BODY)
    items = []
    for _ in range(4):
        client.post("/en/feedback/new/", data)
        items.append(Submission.objects.latest("pk"))
    answered, rejected, merged, rerouted = items
    with django_capture_on_commit_callbacks(execute=True):
        workflow.route(answered, actor=moderator, ministry=ministry_a)
        workflow.answer(answered, actor=officer_a, public_message="The staff answer.")
        workflow.reject(rejected, actor=moderator, public_message="The staff reason.")
        workflow.merge(merged, actor=moderator, original=answered)
        workflow.route(rerouted, actor=moderator, ministry=ministry_a)
        workflow.reroute(rerouted, actor=moderator, ministry=ministry_b, public_message="Moved.")
    to_citizen = [m for m in mail.outbox if m.to == ["victim@example.com"]]
    assert len(to_citizen) == 4
    for message in to_citizen:
        assert_no_citizen_text(message, LURE_NAME, LURE_SUBJECT, LURE_BODY)
        assert "Hello," in message.body
    bodies = "\n".join(m.body for m in to_citizen)
    assert "The staff answer." in bodies and "The staff reason." in bodies and "Moved." in bodies


@pytest.mark.django_db
def test_staff_mails_cannot_be_given_headers_by_citizen_text(
    client, topic, ministry_a, moderator, django_capture_on_commit_callbacks
):
    """The ministry's routing mail and the overdue digest name requests by reference; the
    subject is built from our own words, and is one line whatever goes into it."""
    forged = "x\r\nBcc: all@example.com\r\n\r\nHello"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/feedback/new/", submission_data(topic, body=LURE_BODY + forged))
        item = Submission.objects.get()
        workflow.route(item, actor=moderator, ministry=ministry_a)
    Submission.objects.filter(pk=item.pk).update(
        due_at=timezone.localdate() - datetime.timedelta(days=3)
    )
    assert digest.send_overdue_digests() == 2  # the ministry, the moderators
    staff_mail = [m for m in mail.outbox if "victim@example.com" not in m.to]
    assert len(staff_mail) == 3  # routed, and the digests of the ministry and moderators
    for message in staff_mail:
        assert_no_citizen_text(message, forged)
        assert item.reference in message.body
        assert message.bcc == [] and message.cc == []
        assert "Bcc" not in message.message().as_string().split("\n\n", 1)[0]


@pytest.mark.parametrize(
    "subject",
    ["Ref\r\nBcc: all@example.com", "Ref\u2028Bcc: x", "Ref\x00\x1b\u202eBcc: x", "Ref\x85Bcc: x"],
)
def test_a_mail_subject_is_always_one_line_of_plain_text(subject):
    send_with_retries(subject, "body", ["centre@staff.example"])
    (message,) = mail.outbox
    assert message.subject.startswith("Ref") and is_one_line(message.subject)
    assert message.message()["Bcc"] is None


# --- The per-mailbox limit --------------------------------------------------------------


@pytest.fixture
def two_per_mailbox(settings):
    settings.FEEDBACK_RATE_LIMITS = {
        **settings.FEEDBACK_RATE_LIMITS,
        "submit_address": (100, 3600),
        "submit_email": (2, 3600),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spellings",
    [
        ["victim@example.com", "victim+1@example.com", "Victim+news@EXAMPLE.com"],
        ["VICTIM@example.com", "victim@Example.COM", "ViCtIm+x+y@example.com"],
        ["victim@gmail.com", "v.i.c.t.i.m@gmail.com", "Vic.Tim+a@googlemail.com"],
    ],
)
def test_the_mailbox_limit_counts_tags_and_cases_as_one_mailbox(
    client, topic, two_per_mailbox, spellings
):
    first, second, third = spellings
    assert client.post("/en/feedback/new/", submission_data(topic, email=first)).status_code == 302
    assert client.post("/en/feedback/new/", submission_data(topic, email=second)).status_code == 302
    response = client.post("/en/feedback/new/", submission_data(topic, email=third))
    assert response.status_code == 429
    assert third in response.content.decode()  # kept on the form
    # The address is stored as typed (domain in lower case): only the limiter's key folds.
    assert sorted(Submission.objects.values_list("email", flat=True)) == sorted(
        [first.rsplit("@", 1)[0] + "@" + first.rsplit("@", 1)[1].lower(),
         second.rsplit("@", 1)[0] + "@" + second.rsplit("@", 1)[1].lower()]
    )  # fmt: skip


@pytest.mark.django_db
def test_different_mailboxes_keep_their_own_limit(client, topic, two_per_mailbox):
    """Dots matter outside Gmail, and a hyphen is part of a name, not a tag."""
    for email in ["a.b@example.com", "a.b@example.com", "ab@example.com", "a-b@example.com"]:
        response = client.post("/en/feedback/new/", submission_data(topic, email=email))
        assert response.status_code == 302, email


def test_the_mailbox_key():
    assert ratelimit.mailbox("Aisha+Tag@Example.COM") == "aisha@example.com"
    assert ratelimit.mailbox("a.i.s.h.a+x@GoogleMail.com") == "aisha@gmail.com"
    assert ratelimit.mailbox("a.isha@example.com") == "a.isha@example.com"
    assert ratelimit.mailbox("aisha@xn--mgbh0fb.xn--kgbechtv") == ratelimit.mailbox(
        "aisha@مثال.إختبار"
    )
    assert ratelimit.mailbox("+only@example.com") == "+only@example.com"


@pytest.mark.django_db
def test_a_redacted_subject_is_one_line_too(client_as, moderator, topic):
    """The moderator's redaction rewrites the citizen's text under the same rules."""
    item = workflow.submit(
        kind="complaint", topic=topic, subject="Waiting time", body="Call me on 99887766.",
        language="en",
    )  # fmt: skip
    url = f"/en/staff/items/{item.reference}/redact/"
    data = {"redact-expected_status": "submitted", "redact-body": "Call me on [removed]."}
    response = client_as(moderator).post(url, {**data, "redact-subject": "Waiting\r\nBcc: x"})
    assert response.status_code == 400
    assert ONE_LINE_ERROR["en"] in response.content.decode()
    item.refresh_from_db()
    assert item.subject == "Waiting time" and "99887766" in item.body
    response = client_as(moderator).post(url, {**data, "redact-subject": "Waiting\u202etime"})
    assert response.status_code == 400
    client_as(moderator).post(url, {**data, "redact-subject": "Waiting time (redacted)"})
    item.refresh_from_db()
    assert item.subject == "Waiting time (redacted)" and item.body == "Call me on [removed]."


@pytest.mark.django_db
def test_a_honeypot_filled_with_controls_only_is_still_a_bot(client, topic):
    response = client.post("/en/feedback/new/", submission_data(topic, website="\x00\u202e\x1b"))
    assert response.status_code == 302 and response["Location"] == "/en/feedback/new/"
    assert not Submission.objects.exists()
