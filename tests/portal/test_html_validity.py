"""W3C validity (issue 18): every public and staff page of ours, in both languages, passes
the Nu Html Checker (vnu.jar, the W3C validator's engine, run offline on Java) with no
error. The pages are rendered by the test client on the demo content, written to files and
checked in one run; the checker's JSON report is read back with ``json``.

``make validate-html`` installs the checker (tools/vnu, pinned with its lock file) and runs
this file; ``make test`` does too. Elsewhere, without the checker, the test is skipped,
unless ``TAWASUL_REQUIRE_VNU=1`` (set by the Makefile) makes a missing checker a failure.
"""

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from feedback.models import Submission
from feedback.tracking import tracking_path
from news.models import Article
from portal import roles
from portal.models import Ministry
from tests.conftest import make_staff

VNU_JAR = Path(
    os.environ.get(
        "TAWASUL_VNU_JAR",
        Path(settings.BASE_DIR) / "tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar",
    )
)
LANGUAGES = ("ar", "en")
QUEUED = "TW-DEMQ-AAAA"  # waiting in the moderators' queue
ROUTED = "TW-DEMQ-MMMM"  # routed to health, overdue
RATED = "TW-DEMQ-KKKK"  # answered, rated and closed


def checker() -> list[str]:
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        if os.environ.get("TAWASUL_REQUIRE_VNU") == "1":
            pytest.fail(f"the Nu Html Checker is missing ({VNU_JAR}, java: {java})")
        pytest.skip("the Nu Html Checker is not installed: run `make validate-html`")
    return [java, "-Xss2m", "-jar", str(VNU_JAR)]


def public_pages(lang: str) -> dict[str, tuple[str, str, dict]]:
    """name: (method, path, data) of every public page, for the anonymous visitor."""
    article = Article.objects.published().order_by("-publish_at").first()
    category = article.category
    rated = Submission.objects.get(reference=RATED)
    waiting = Submission.objects.get(reference=ROUTED)
    return {
        "home": ("get", f"/{lang}/", {}),
        "about": ("get", f"/{lang}/about/", {}),
        "contact": ("get", f"/{lang}/contact/", {}),
        "privacy": ("get", f"/{lang}/privacy/", {}),
        "news-list": ("get", f"/{lang}/news/", {}),
        "news-search": ("get", f"/{lang}/news/", {"q": "منتدى"}),
        "news-search-empty": ("get", f"/{lang}/news/", {"q": "zzzzqqqq"}),
        "news-category": ("get", f"/{lang}/news/category/{category.slug}/", {}),
        "news-month": (
            "get",
            f"/{lang}/news/{article.publish_at.year}/{article.publish_at.month}/",
            {},
        ),
        "article": ("get", f"/{lang}/news/{article.slug}/", {}),
        "feedback-form": ("get", f"/{lang}/feedback/new/", {}),
        "feedback-form-errors": ("post", f"/{lang}/feedback/new/", {"subject": "x"}),
        "track-form": ("get", f"/{lang}/feedback/track/", {}),
        "track-form-errors": (
            "post",
            f"/{lang}/feedback/track/",
            {"reference": "TW-ZZZZ-ZZZZ", "email": "nobody@example.com"},
        ),
        "tracking-answered": ("get", tracking_path(rated.reference, lang), {}),
        "tracking-waiting": ("get", tracking_path(waiting.reference, lang), {}),
        "tracking-erase": ("get", f"{tracking_path(waiting.reference, lang)}erase/", {}),
        "tracking-mistyped": ("get", f"/{lang}/feedback/track/not-a-real-link/", {}),
        "not-found": ("get", f"/{lang}/no-such-page/", {}),
        "sign-in": ("get", "/admin/login/", {}),
        "password-reset": ("get", f"/{lang}/account/password-reset/", {}),
    }


def staff_pages(lang: str) -> dict[str, tuple[str, str, dict]]:
    base = f"/{lang}/staff"
    return {
        "dashboard": ("get", f"{base}/", {}),
        "queue": ("get", f"{base}/queue/", {}),
        "queue-bulk-errors": (
            "post",
            f"{base}/queue/bulk/",
            {
                "items": [QUEUED],
                "bulk_action": "route",
                "ministry": Ministry.objects.get(slug="labour").pk,
            },
        ),
        "inbox": ("get", f"{base}/inbox/", {}),
        "inbox-all": ("get", f"{base}/inbox/", {"status": ""}),
        "item-queued": ("get", f"{base}/items/{QUEUED}/", {}),
        "item-routed": ("get", f"{base}/items/{ROUTED}/", {}),
        "item-rated": ("get", f"{base}/items/{RATED}/", {}),
        "item-route-errors": (
            "post",
            f"{base}/items/{QUEUED}/route/",
            {
                "route-expected_status": "submitted",
                "route-ministry": Ministry.objects.get(slug="labour").pk,
            },
        ),
    }


def officer_pages(lang: str) -> dict[str, tuple[str, str, dict]]:
    base = f"/{lang}/staff"
    return {
        "officer-inbox": ("get", f"{base}/inbox/", {}),
        "officer-dashboard": ("get", f"{base}/", {}),
        "officer-item": ("get", f"{base}/items/{ROUTED}/", {}),
        "officer-answer-preview": (
            "post",
            f"{base}/items/{ROUTED}/answer/",
            {
                "answer-expected_status": "routed",
                "answer-public_message": "The clinic opens longer from Sunday.\nThank you.",
                "preview": "1",
            },
        ),
    }


def render(client: Client, pages: dict, folder: Path, lang: str) -> dict[Path, str]:
    written = {}
    for name, (method, path, data) in pages.items():
        response = getattr(client, method)(path, data, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code in (200, 400, 404), (name, path, response.status_code)
        assert response["Content-Type"].startswith("text/html"), (name, path)
        file = folder / f"{name}-{lang}.html"
        file.write_bytes(response.content)
        written[file] = path
    return written


@pytest.mark.django_db
def test_every_page_of_ours_has_no_w3c_error(tmp_path):
    command = checker()
    call_command("load_demo", stdout=io.StringIO())
    moderator = make_staff("validity-moderator", roles.MODERATORS)
    officer = make_staff(
        "validity-officer", roles.MINISTRY_OFFICERS, Ministry.objects.get(slug="health")
    )
    make_staff("validity-manager", roles.MANAGERS)
    files: dict[Path, str] = {}
    for lang in LANGUAGES:
        files |= render(Client(), public_pages(lang), tmp_path, lang)
        staff = Client()
        staff.force_login(moderator)
        files |= render(staff, staff_pages(lang), tmp_path, lang)
        staff = Client()
        staff.force_login(officer)
        files |= render(staff, officer_pages(lang), tmp_path, lang)
        manager = Client()
        manager.force_login(User.objects.get(username="validity-manager"))
        files |= render(
            manager, {"manager-dashboard": ("get", f"/{lang}/staff/", {})}, tmp_path, lang
        )
    # The checker writes its JSON report to standard error.
    run = subprocess.run(
        [*command, "--format", "json", *map(str, files)],
        capture_output=True,
        timeout=300,
        check=False,
    )
    report = json.loads(run.stderr)
    by_name = {file.name: path for file, path in files.items()}
    errors = [
        f"{by_name.get(Path(message.get('url', '')).name)} ({Path(message.get('url', '')).name}) "
        f"line {message.get('lastLine')}: {message['message']} "
        f"[{message.get('extract', '').strip()}]"
        for message in report["messages"]
        if message["type"] in ("error", "non-document-error")
    ]
    assert errors == [], "\n".join(errors)
    assert len(files) >= 2 * 30
