import pytest
from django.core.management import call_command
from lxml import html

from portal.models import OfficialChannel


@pytest.mark.django_db
def test_the_demo_shows_figures_and_withheld_ones(client):
    call_command("load_demo")
    call_command("load_demo")  # idempotent: nothing doubles
    assert OfficialChannel.objects.filter(ministry__slug="health").count() == 2
    response = client.get("/en/ministries/")
    rows = {row.ministry.slug: row for row in response.context["rows"]}
    assert rows["health"].ranked
    assert not rows["health"].shown["received"].withheld
    for slug in ("housing", "heritage-tourism", "interior"):
        assert not rows[slug].ranked
        assert rows[slug].shown["received"].withheld
    page = html.fromstring(client.get("/en/ministries/health/").content.decode())
    assert (
        "@tawasul_demo_health"
        in page.xpath("//section[h2[@id='channels-title-ministry']]")[0].text_content()
    )
