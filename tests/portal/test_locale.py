from pathlib import Path

import polib
from django.conf import settings


def test_arabic_catalogue_has_no_empty_or_fuzzy_entry():
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale/ar/LC_MESSAGES/django.po"))
    assert len(catalogue) > 50, "the Arabic catalogue looks empty"
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_every_translatable_string_in_the_code_is_in_the_catalogue(tmp_path, monkeypatch, settings):
    """makemessages over a copy of the code: a string someone forgot to extract fails here,
    instead of showing in English on an Arabic page. (A copy, because makemessages writes
    into any locale/ folder it finds beside the code.)"""
    import shutil

    from django.core.management import call_command

    base = Path(settings.BASE_DIR)
    source = tmp_path / "src"
    for folder in (
        "portal",
        "news",
        "feedback",
        "campaigns",
        "accountability",
        "crisis",
        "outcomes",
        "templates",
    ):
        shutil.copytree(
            base / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    catalogue = tmp_path / "locale" / "ar" / "LC_MESSAGES" / "django.po"
    catalogue.parent.mkdir(parents=True)
    shutil.copy(base / "locale/ar/LC_MESSAGES/django.po", catalogue)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["ar"], no_obsolete=True, verbosity=0)
    extracted = polib.pofile(str(catalogue))
    missing = [entry.msgid for entry in extracted.untranslated_entries()]
    missing += [entry.msgid for entry in extracted.fuzzy_entries()]
    assert missing == [], "run `make messages` and translate these"


def _translated_ids(path: Path) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(path)) if entry.translated()}


# Django's catalogues whose strings show on our pages: the admin (templates and widgets'
# JavaScript), the accounts screens and the forms' messages.
DJANGO_CATALOGUES = [
    ("contrib/admin", "django"),
    ("contrib/admin", "djangojs"),
    ("contrib/auth", "django"),
    ("conf", "django"),
]


def test_django_strings_its_arabic_lacks_are_translated_in_ours():
    """Django's own Arabic lacks some strings ("Choose all %s", "Remove all %s", the
    calendar's days, "Set password"): they would show in English in the Arabic admin.
    locale/django/ holds them; a Django upgrade that brings new ones fails here."""
    import django

    root = Path(django.__file__).parent
    ours = {
        domain: _translated_ids(
            Path(settings.BASE_DIR) / f"locale/django/ar/LC_MESSAGES/{domain}.po"
        )
        for domain in ("django", "djangojs")
    }
    missing = []
    for folder, domain in DJANGO_CATALOGUES:
        source = root / folder / "locale"
        wanted = {
            (entry.msgctxt, entry.msgid)
            for entry in polib.pofile(str(source / "en/LC_MESSAGES" / f"{domain}.po"))
            if entry.msgid
        }
        djangos = _translated_ids(source / "ar/LC_MESSAGES" / f"{domain}.po")
        missing += sorted(wanted - djangos - ours[domain], key=str)
    assert missing == []
    for domain in ("django", "djangojs"):
        catalogue = polib.pofile(
            str(Path(settings.BASE_DIR) / f"locale/django/ar/LC_MESSAGES/{domain}.po")
        )
        assert catalogue.untranslated_entries() == [] and catalogue.fuzzy_entries() == []


def test_arabic_file_sizes_use_the_plural_not_the_dual():
    """Django's own Arabic writes "306 بايتان" (a dual); our catalogue corrects it."""
    from django.template.defaultfilters import filesizeformat
    from django.utils import translation

    with translation.override("ar"):
        sizes = [filesizeformat(n).replace("\xa0", " ") for n in (1, 2, 306, 11, 101)]
    assert sizes == ["بايت واحد", "بايتان", "306 بايتات", "11 بايتًا", "101 بايت"]
