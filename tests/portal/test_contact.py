"""The contact page: editable details, both languages, cached, in the sitemap, and a
schema.org GovernmentOrganization that a structured-data parser reads back."""

import extruct
import pytest
from django.core.exceptions import ValidationError

from portal.models import ContactDetails, OfficialChannel

pytestmark = pytest.mark.django_db


@pytest.fixture
def details() -> ContactDetails:
    OfficialChannel.objects.create(
        platform="x", handle="@tawasul_demo", url="https://x.com/tawasul_demo"
    )
    return ContactDetails.objects.create(
        address_ar="مبنى 12، شارع المثال\nمسقط",
        address_en="Building 12, Example Street\nMuscat",
        phone="+968 2400 0000",
        email="contact@tawasul.example",
        opening_hours_ar="من الأحد إلى الخميس، من 7:30 إلى 14:30",
        opening_hours_en="Sunday to Thursday, 7:30 to 14:30",
        opening_hours_spec="Su-Th 07:30-14:30",
    )


def _organization(response) -> dict:
    data = extruct.extract(
        response.content.decode(), base_url="http://testserver/", syntaxes=["json-ld"]
    )
    (organization,) = [
        item for item in data["json-ld"] if item["@type"] == "GovernmentOrganization"
    ]
    return organization


@pytest.mark.parametrize(
    ("language", "address", "hours", "name"),
    [
        ("ar", "مسقط", "من الأحد إلى الخميس، من 7:30 إلى 14:30", "مركز التواصل الحكومي"),
        ("en", "Muscat", "Sunday to Thursday, 7:30 to 14:30", "Government Communication Centre"),
    ],
)
def test_contact_page_shows_the_details_and_describes_the_centre_for_machines(
    client, details, language, address, hours, name
):
    response = client.get(f"/{language}/contact/")
    assert response.status_code == 200
    content = response.content.decode()
    assert address in content and hours in content
    assert 'href="tel:+96824000000"' in content
    assert 'href="mailto:contact@tawasul.example"' in content
    assert 'href="https://x.com/tawasul_demo"' in content
    organization = _organization(response)
    assert organization["name"] == name
    assert organization["openingHours"] == "Su-Th 07:30-14:30"
    assert organization["telephone"] == "+968 2400 0000"
    assert address in organization["address"]["streetAddress"]
    assert organization["address"]["addressCountry"] == "OM"
    (point,) = organization["contactPoint"]
    assert point["@type"] == "ContactPoint"
    assert point["telephone"] == "+968 2400 0000"
    assert point["email"] == "contact@tawasul.example"
    assert organization["sameAs"] == ["https://x.com/tawasul_demo"]
    assert organization["url"] == f"http://testserver/{language}/"


def test_contact_page_without_details_still_lists_the_channels(client):
    OfficialChannel.objects.create(platform="x", handle="@t", url="https://x.com/t")
    response = client.get("/en/contact/")
    assert response.status_code == 200
    assert "will be published here soon" in response.content.decode()
    assert "contactPoint" not in _organization(response)


def test_text_in_the_details_cannot_close_the_json_ld_block(client, details):
    details.address_en = "</script><script>alert(1)</script>"
    details.save()
    content = client.get("/en/contact/").content.decode()
    assert "<script>alert(1)" not in content
    assert "\\u003C/script\\u003E" in content


def test_contact_page_is_cached_and_a_change_shows_at_once(
    client, details, django_capture_on_commit_callbacks
):
    assert client.get("/en/contact/")["X-News-Cache"] == "miss"
    assert client.get("/en/contact/")["X-News-Cache"] == "hit"
    details.phone = "+968 2411 1111"
    with django_capture_on_commit_callbacks(execute=True):
        details.save()
    response = client.get("/en/contact/")
    assert response["X-News-Cache"] == "miss"
    assert "+968 2411 1111" in response.content.decode()


def test_contact_page_is_linked_from_header_and_footer_and_in_the_sitemap(client, details):
    home = client.get("/ar/").content.decode()
    header, footer = home.split("</header>")
    assert 'href="/ar/contact/"' in header and 'href="/ar/contact/"' in footer
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/ar/contact/" in sitemap
    assert "http://testserver/en/contact/" in sitemap


def test_only_one_row_of_details_and_hours_must_be_machine_readable(details):
    again = ContactDetails(
        address_ar="آخر", phone="1", opening_hours_ar="x", opening_hours_spec="Mo 08:00-12:00"
    )
    again.save()
    assert ContactDetails.objects.count() == 1
    assert ContactDetails.current().address_ar == "آخر"
    details.opening_hours_spec = "Sunday to Thursday"
    with pytest.raises(ValidationError) as error:
        details.full_clean()
    assert "opening_hours_spec" in error.value.message_dict
    details.opening_hours_spec = "Su-Th 07:30-14:30, Sa 09:00-12:00"
    details.full_clean()


def test_editors_edit_the_contact_details_and_cannot_add_a_second_or_delete(
    client_as, editor, details
):
    client = client_as(editor)
    url = f"/admin/portal/contactdetails/{details.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.get("/admin/portal/contactdetails/add/").status_code == 403
    assert client.post(f"/admin/portal/contactdetails/{details.pk}/delete/").status_code == 403
