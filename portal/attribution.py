"""Which campaign link a form was opened from: the one generic mechanism.

A form page that accepts it (``@accepts`` on its view: the feedback form, and any other
citizen form such as the "is this true?" inquiry) may be opened as ``...?c=<code>``. The
code travels in the address and in a hidden field of the form (``{% attribution_field %}``
from ``portal_tags``), never in a cookie. A stored page (``portal.pagecache``) holds a
slot where the field's value goes and is keyed without the parameter, so every code shares
one copy; the visitor's code is put in when the copy is answered, like the CSRF token.

When the form is sent, its view calls ``record(request, instance)``: the ``attributed``
signal carries the code and the stored object to whoever listens (the campaigns app keeps
the link between them in its own table). The forms' apps never import the listener.
"""

import re
from urllib.parse import parse_qsl, urlencode

from django.dispatch import Signal
from django.http import HttpRequest

PARAM = "c"
# The campaigns app's codes: letters and digits without look-alikes (see campaigns.codes).
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{8,16}}$")
# Where a stored page's hidden field gets the visitor's code (or nothing).
SLOT = "attribution-slot-of-a-stored-page"

# sent with sender=the model class, instance=the stored object, code=the campaign code
attributed = Signal()


def clean(value) -> str:
    """``value`` if it has the shape of a code, else "" (anything else is ignored)."""
    return value if isinstance(value, str) and CODE_PATTERN.match(value) else ""


def code_of(request: HttpRequest) -> str:
    """The code a request carries: the hidden field of a POST, else the address's."""
    if request.method == "POST":
        return clean(request.POST.get(PARAM))
    return clean(request.GET.get(PARAM))


def without_code(query_string: str) -> str:
    """``query_string`` without the parameter (what a stored page is keyed on)."""
    if f"{PARAM}=" not in query_string:
        return query_string
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode([(name, value) for name, value in pairs if name != PARAM])


def accepts(view):
    """Mark a form view whose address may carry a code (campaign links add it)."""
    view.accepts_attribution = True
    return view


def accepts_attribution(view) -> bool:
    return getattr(view, "accepts_attribution", False)


def record(request: HttpRequest, instance) -> None:
    """After ``instance`` was stored from a form: tell the listeners its code, if any."""
    code = code_of(request)
    if code:
        attributed.send(sender=type(instance), instance=instance, code=code)
