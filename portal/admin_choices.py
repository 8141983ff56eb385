"""Words instead of Django's "---------" in the admin's own selects (issue 18, point 7).

Every ModelAdmin and inline of ours mixes in ``BlankChoiceWords``; a test
(tests/portal/test_admin_choices.py) opens the list, add and change pages of every admin
registered by a first-party app and fails on any "---------", so an admin that forgets the
mixin is caught.

- a required relation says what to choose ("Choose a ministry"; "Choose from the list" for
  a model not named below), an optional one "None" (its help text says what none means);
- a required choice field says "Choose from the list", an optional one "None";
- the changelist's action menu says "Choose an action".
"""

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

DASHES = BLANK_CHOICE_DASH[0][1]

CHOOSE = {
    "portal.ministry": _("Choose a ministry"),
    "news.category": _("Choose a category"),
    "feedback.topic": _("Choose a topic"),
    "auth.user": _("Choose a user"),
}
CHOOSE_ANY = _("Choose from the list")
NONE = _("None")
CHOOSE_ACTION = _("Choose an action")


def blank_choice_label(db_field) -> str:
    """What the empty choice of ``db_field``'s select says."""
    if db_field.blank or db_field.null:
        return NONE
    if db_field.is_relation:
        return CHOOSE.get(db_field.related_model._meta.label_lower, CHOOSE_ANY)
    return CHOOSE_ANY


def with_words(db_field, formfield):
    """``formfield`` with its empty choice in words (unchanged if it has none)."""
    if isinstance(formfield, forms.ModelMultipleChoiceField):
        return formfield  # no empty choice
    if isinstance(formfield, forms.ModelChoiceField):
        if formfield.empty_label == DASHES:
            # Read when the options are drawn, by the admin's wrapper widget too.
            formfield.empty_label = blank_choice_label(db_field)
    elif isinstance(formfield, forms.ChoiceField):
        choices = list(formfield.choices)
        if any(value == "" and label == DASHES for value, label in choices):
            label = blank_choice_label(db_field)
            formfield.choices = [
                (value, label if value == "" and text == DASHES else text)
                for value, text in choices
            ]
    return formfield


class BlankChoiceWords:
    """For ModelAdmin and InlineModelAdmin classes: see the module's docstring."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return with_words(db_field, super().formfield_for_dbfield(db_field, request, **kwargs))

    def get_action_choices(self, request, default_choices=BLANK_CHOICE_DASH):
        if default_choices == BLANK_CHOICE_DASH:
            default_choices = [("", CHOOSE_ACTION)]
        return super().get_action_choices(request, default_choices=default_choices)
