"""A mail backend for load tests: each message is built as for SMTP (``message()``, the
MIME bytes) and one line per message (its Message-ID and recipients) is appended to the
file named by ``BENCH_MAIL_LOG``. Everything but the network; used by ``bench_crisis``."""

import fcntl
import json
import os

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        lines = []
        for message in email_messages:
            message.message().as_bytes()  # the work SMTP would need
            lines.append(
                json.dumps(
                    {"message_id": message.extra_headers.get("Message-ID", ""), "to": message.to}
                )
            )
        with open(os.environ["BENCH_MAIL_LOG"], "a") as log:
            fcntl.flock(log, fcntl.LOCK_EX)
            log.write("".join(line + "\n" for line in lines))
        return len(lines)
