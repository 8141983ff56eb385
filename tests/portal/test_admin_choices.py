"""No "---------" on the admin pages of our models (issue 18, point 7): every admin that a
first-party app registers (new apps included) is opened as a superuser, its list, add and
change pages, in both languages, with the demo content loaded."""

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_article

DASHES = "---------"


def first_party_packages() -> set[str]:
    base = Path(settings.BASE_DIR)
    venv = base / ".venv"
    return {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base) and not Path(config.path).is_relative_to(venv)
    }


def our_admins():
    ours = first_party_packages()
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if type(model_admin).__module__.split(".")[0] in ours
    ]


def admin_pages(model) -> list[str]:
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    pages = [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        pages.append(reverse(f"{name}_change", args=[first.pk]))
    return pages


def test_the_check_covers_every_app_of_ours():
    assert {"portal", "news", "feedback"} <= first_party_packages()
    assert "django" not in first_party_packages()
    models = {model._meta.label for model, _ in our_admins()}
    assert {"news.Article", "feedback.Topic", "portal.Ministry", "auth.User"} <= models


@pytest.mark.django_db
def test_no_admin_page_of_ours_shows_dashes(client, admin_user):
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(admin_user)
    opened = 0
    for model, _model_admin in our_admins():
        for url in admin_pages(model):
            for lang in ("ar", "en"):
                response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
                if response.status_code == 403:  # e.g. "add" of a one-row model that has it
                    continue
                assert response.status_code == 200, (url, response.status_code)
                assert DASHES not in response.content.decode(), (url, lang)
                opened += 1
    assert opened >= 2 * 25


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "category", "action", "none"),
    [
        ("en", "Choose a category", "Choose an action", "None"),
        ("ar", "اختر تصنيفًا", "اختر إجراءً", "لا شيء"),
    ],
)
def test_the_empty_choices_say_what_to_do(client, admin_user, lang, category, action, none):
    make_article()  # the action menu shows above a list that has rows
    client.force_login(admin_user)
    add_article = client.get("/admin/news/article/add/", HTTP_ACCEPT_LANGUAGE=lang)
    assert f'<option value="" selected>{category}</option>' in add_article.content.decode()
    articles = client.get("/admin/news/article/", HTTP_ACCEPT_LANGUAGE=lang)
    assert f'<option value="" selected>{action}</option>' in articles.content.decode()
    # An optional relation (a topic without a default ministry) says "None".
    add_topic = client.get("/admin/feedback/topic/add/", HTTP_ACCEPT_LANGUAGE=lang)
    assert f'<option value="" selected>{none}</option>' in add_topic.content.decode()
