import pytest
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import enrolment
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.portal.test_staff_sign_in import current_code

PASSWORD = "a-long-staff-passphrase-2026"


@pytest.mark.parametrize(
    ("lang", "width_name", "viewport"), [("ar", "phone", PHONE), ("en", "desktop", DESKTOP)]
)
def test_staff_member_enrols_an_authenticator_and_lands_on_their_work(
    live_server, transactional_db, settings, new_page, lang, width_name, viewport
):
    settings.STAFF_2FA_REQUIRED = True
    user = User.objects.create_user("noura", password=PASSWORD, is_staff=True, is_superuser=True)
    code = enrolment.issue(user)
    page = new_page(viewport=viewport, locale=lang, extra_http_headers={"Accept-Language": lang})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "noura")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**/{lang}/account/two-factor/setup/**")
    # First the enrolment code the administrator gave: the password alone shows no QR code.
    assert page.locator("figure.qr-code").count() == 0
    screenshot(page, f"two-factor-enrolment-code-{lang}-{width_name}")
    assert_accessible(page)
    page.fill("input[name=code]", "ABCD-EFGH-JKLM")
    with page.expect_navigation():
        page.click("form:not(.language-switch) button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page)
    page.fill("input[name=code]", code.lower())
    with page.expect_navigation():
        page.click("form:not(.language-switch) button[type=submit]")
    assert page.locator("figure.qr-code svg").is_visible()
    screenshot(page, f"two-factor-setup-{lang}-{width_name}")
    assert_accessible(page)

    page.fill("input[name=token]", "000000")
    with page.expect_navigation():
        page.click("form:not(.language-switch) button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    assert page.evaluate("document.activeElement.className") == "error-summary"
    screenshot(page, f"two-factor-setup-error-{lang}-{width_name}")
    assert_accessible(page)

    device = TOTPDevice.objects.get(user=user)
    device.throttle_reset()
    page.fill("input[name=token]", current_code(device))
    page.click("form:not(.language-switch) button[type=submit]")
    # ?next=/admin/ is the admin's default, not a choice: a superuser lands on the queue.
    page.wait_for_url(f"{live_server.url}/{lang}/staff/queue/")
