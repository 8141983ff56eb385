"""The public form: each field's validation in both languages, the GOV.UK error pattern,
the honeypot, the preselected kind and the routing recorded on success."""

import pytest
from django.utils import timezone

from feedback.models import Submission, SubmissionEvent
from tests.factories import make_topic

LONG = "x" * 5001

# (field overrides, field with the error, English message, Arabic message)
CASES = [
    (
        {"kind": None},
        "kind",
        "Choose complaint, suggestion or idea.",
        "اختر شكوى أو مقترحًا أو فكرة.",
    ),
    (
        {"kind": "praise"},
        "kind",
        "Choose complaint, suggestion or idea.",
        "اختر شكوى أو مقترحًا أو فكرة.",
    ),
    ({"topic": ""}, "topic", "Choose a topic.", "اختر مجالًا."),
    ({"topic": "999999"}, "topic", "Choose a topic from the list.", "اختر مجالًا من القائمة."),
    ({"subject": ""}, "subject", "Enter a subject.", "أدخل عنوان الطلب."),
    (
        {"subject": "s" * 151},
        "subject",
        "Subject must be 150 characters or fewer (you entered 151).",
        "يجب ألا يتجاوز عدد أحرف العنوان 150 (أدخلت 151).",
    ),
    ({"body": ""}, "body", "Enter the details of your request.", "أدخل تفاصيل طلبك."),
    (
        {"body": "short"},
        "body",
        "Details must be at least 10 characters.",
        "يجب ألا يقل عدد أحرف التفاصيل عن 10.",
    ),
    (
        {"body": LONG},
        "body",
        "Details must be 5,000 characters or fewer (you entered 5,001).",
        "يجب ألا يتجاوز عدد أحرف التفاصيل 5,000 (أدخلت 5,001).",
    ),
    (
        {"name": "n" * 101},
        "name",
        "Name must be 100 characters or fewer (you entered 101).",
        "يجب ألا يتجاوز عدد أحرف الاسم 100 (أدخلت 101).",
    ),
    (
        {"email": "aisha@"},
        "email",
        "Enter an e-mail address in the correct format, like name@example.com.",
        "أدخل عنوان بريد إلكتروني بصيغة صحيحة، مثل name@example.com.",
    ),
    (
        {"email": "a" * 250 + "@example.com"},
        "email",
        "E-mail address is too long.",
        "عنوان البريد الإلكتروني طويل جدًا.",
    ),
    (
        {"phone": "12ab"},
        "phone",
        "Enter a phone number with 7 to 15 digits, like +968 9123 4567.",
        "أدخل رقم هاتف من 7 إلى 15 رقمًا، مثل ‎+968 9123 4567.",
    ),
    (
        {"consent": None},
        "consent",
        "Agree to the privacy notice to send your request.",
        "وافق على إشعار الخصوصية لإرسال طلبك.",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize(("overrides", "field", "english", "arabic"), CASES)
def test_each_field_error_in_both_languages(
    client, form_data, lang, overrides, field, english, arabic
):
    data = form_data(**overrides)
    response = client.post(f"/{lang}/feedback/new/", data)

    assert response.status_code == 200
    page = response.content.decode()
    message = english if lang == "en" else arabic
    assert message in page
    anchor = "id_kind_0" if field == "kind" else f"id_{field}"
    # The summary links to the field; the message sits next to it and describes it.
    assert f'href="#{anchor}"' in page
    assert f'id="id_{field}_error"' in page
    assert 'role="alert"' in page
    assert Submission.objects.count() == 0
    # Everything typed is still there (except the field that was wrong).
    for name in ("subject", "name", "email"):
        if name != field and data.get(name):
            assert f'value="{data[name]}"' in page
    if field != "body":
        assert data["body"] in page


@pytest.mark.django_db
def test_error_page_title_says_error_and_fields_are_described(client, form_data):
    page = client.post("/en/feedback/new/", form_data(subject="")).content.decode()
    assert "<title>Error: Send feedback" in page
    assert 'aria-describedby="id_subject_helptext id_subject_error"' in page
    assert 'aria-invalid="true"' in page


@pytest.mark.django_db
def test_topic_that_does_not_take_the_kind(client, form_data, ministry_a):
    ideas_only = make_topic(
        name_en="Tourism", accepts_complaints=False, accepts_suggestions=False, ministry=ministry_a
    )
    response = client.post("/en/feedback/new/", form_data(topic=str(ideas_only.pk)))
    assert "The topic “Tourism” does not take complaints. Choose another topic." in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_inactive_topic_is_not_offered_and_refused(client, form_data):
    hidden = make_topic(name_en="Retired topic", is_active=False)
    assert "Retired topic" not in client.get("/en/feedback/new/").content.decode()
    response = client.post("/en/feedback/new/", form_data(topic=str(hidden.pk)))
    assert "Choose a topic from the list." in response.content.decode()


@pytest.mark.django_db
def test_form_has_labels_fieldset_and_counters_without_inline_script(client, topic):
    page = client.get("/ar/feedback/new/").content.decode()
    for name in ("topic", "subject", "body", "name", "email", "phone", "consent", "attachments"):
        assert f'for="id_{name}"' in page
        assert f'name="{name}"' in page
    assert "<fieldset" in page and "<legend" in page
    assert 'name="kind"' in page
    assert 'data-maxlength="5000"' in page
    assert "/static/js/feedback.js" in page
    assert "<script>" not in page and "style=" not in page
    assert 'enctype="multipart/form-data"' in page
    assert "الخدمات الصحية" in page  # topics in Arabic


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["complaint", "suggestion", "idea"])
def test_kind_can_be_preselected(client, topic, kind):
    page = client.get(f"/en/feedback/new/?kind={kind}").content.decode()
    assert f'value="{kind}" id="id_kind_' in page
    selected = page.split(f'value="{kind}"')[1].split(">")[0]
    assert "checked" in selected


@pytest.mark.django_db
def test_a_valid_submission_is_saved_and_routed(client, form_data, topic, ministry_a):
    response = client.post("/en/feedback/new/", form_data(phone="٠٩١٢٣٤٥٦٧٨"))

    assert response.status_code == 302
    assert response["Location"] == "/en/feedback/sent/"
    submission = Submission.objects.get()
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.language == "en"
    assert submission.phone == "0912345678"  # Arabic-Indic digits accepted
    assert submission.suggested_ministry == ministry_a
    assert submission.ministry is None  # a moderator confirms the route
    assert "Default ministry of the topic" not in submission.routing_reason  # stored in Arabic
    assert "الخدمات الصحية" in submission.routing_reason
    assert submission.consent_at <= timezone.now()
    assert submission.privacy_notice_version
    assert submission.due_at > timezone.localdate()
    event = submission.events.get()
    assert (event.kind, event.to_status, event.actor) == (
        SubmissionEvent.Kind.SUBMITTED,
        "submitted",
        None,
    )


@pytest.mark.django_db
def test_topic_without_ministry_is_left_for_moderators(client, form_data):
    orphan = make_topic(name_ar="موضوع آخر", name_en="Something else")
    client.post("/ar/feedback/new/", form_data(topic=str(orphan.pk)))
    submission = Submission.objects.get()
    assert submission.suggested_ministry is None
    assert "مشرف" in submission.routing_reason


@pytest.mark.django_db
def test_contact_details_are_optional(client, form_data):
    response = client.post("/ar/feedback/new/", form_data(name="", email="", phone=""))
    assert response.status_code == 302
    assert Submission.objects.get().email == ""


@pytest.mark.django_db
def test_honeypot_filled_by_a_bot_saves_nothing(client, form_data):
    response = client.post("/en/feedback/new/", form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == "/en/feedback/new/"
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_form_requires_csrf(form_data):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/en/feedback/new/", form_data())
    assert response.status_code == 403
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_client_address_is_not_stored(client, form_data):
    client.post("/en/feedback/new/", form_data(), REMOTE_ADDR="203.0.113.77")
    row = Submission.objects.values().get()
    assert not any("203.0.113.77" in str(value) for value in row.values())


@pytest.mark.django_db
def test_form_page_query_count_does_not_grow_with_topics(client, django_assert_max_num_queries):
    for _ in range(5):
        make_topic()
    with django_assert_max_num_queries(3):
        client.get("/en/feedback/new/")
    for _ in range(30):
        make_topic()
    with django_assert_max_num_queries(3):
        client.get("/en/feedback/new/")
