from django import forms
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.text import normalize_search_text


class OneTimeCodeForm(forms.Form):
    """The six-digit code of an authenticator app, checked against the user's devices."""

    token = forms.CharField(
        label=_("Six-digit code"),
        help_text=_("Open your authenticator app and type the code it shows for Tawasul."),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr"}
        ),
    )

    def __init__(self, *args, devices: list[TOTPDevice], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.devices = devices
        self.device: TOTPDevice | None = None

    def clean_token(self) -> str:
        # Arabic-Indic digits and spaces are fine: "١٢٣ ٤٥٦" is read as 123456.
        token = normalize_search_text(self.cleaned_data["token"]).replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the six digits shown in your app."))
        for device in self.devices:
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                raise forms.ValidationError(
                    _("Too many wrong codes. Wait a minute, then try the newest code.")
                )
            if device.verify_token(token):
                self.device = device
                return token
        raise forms.ValidationError(
            _("That code is not right. Check that your phone's clock is correct and try again.")
        )
