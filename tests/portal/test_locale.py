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
