import getpass
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal import enrolment
from portal.staff import ROLE_GROUPS, save_staff_account


class Command(BaseCommand):
    help = (
        "Create or update a staff account with one role. The password comes from the "
        "STAFF_PASSWORD environment variable or a prompt. A new account gets a one-time "
        "enrolment code for its first authenticator, printed once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_GROUPS))
        parser.add_argument("--ministry", help="slug of the officer's ministry")
        parser.add_argument("--email")
        parser.add_argument(
            "--new-enrolment-code",
            action="store_true",
            help="issue a new enrolment code for an existing account (removes its authenticator)",
        )
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="never prompt"
        )

    def handle(self, *args, **options) -> None:
        password = os.environ.get("STAFF_PASSWORD") or None
        if password is None and options["interactive"]:
            password = self._prompt_password()
        try:
            user, created = save_staff_account(
                options["username"],
                role=options["role"],
                ministry_slug=options["ministry"],
                email=options["email"],
                password=password,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {user.username} as {options['role']}."))
        if created or options["new_enrolment_code"]:
            code = enrolment.reset(user)
            self.stdout.write(
                f"Enrolment code for {user.username}: {code}\n"
                f"It works once, for {settings.STAFF_ENROLMENT_CODE_HOURS} hours, and is shown "
                "only now. Give it to them apart from the password: they type it at their "
                "first sign-in, before connecting their authenticator app."
            )

    def _prompt_password(self) -> str | None:
        if not os.isatty(0):
            return None
        first = getpass.getpass("Password (empty to keep the current one): ")
        if first and getpass.getpass("Password again: ") != first:
            raise CommandError("The two passwords differ.")
        return first or None
