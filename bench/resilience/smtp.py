"""The mail server the suite controls: aiosmtpd in a thread, or nothing, or a listener
that accepts connections and never says a word (a hanging relay)."""

import email
import socket
import threading
import time
from email.policy import default as default_policy

from aiosmtpd.controller import Controller


class Recorder:
    """aiosmtpd handler: keeps every accepted mail (Message-ID, recipients, subject)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.mails: list[dict] = []
        self.data_delay = 0.0  # seconds to wait before accepting DATA ("slow" relay)

    async def handle_DATA(self, server, session, envelope):
        if self.data_delay:
            import asyncio

            await asyncio.sleep(self.data_delay)
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.mails.append(
                {
                    "t": time.time(),
                    "to": list(envelope.rcpt_tos),
                    "message_id": str(message.get("Message-ID", "")),
                    "subject": str(message.get("Subject", "")),
                }
            )
        return "250 OK"

    def snapshot(self) -> list[dict]:
        with self.lock:
            return list(self.mails)


class Hanging(threading.Thread):
    """Accepts TCP connections and holds them open silently: smtplib waits for a banner."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(128)
        self.sock.settimeout(0.2)
        self.held: list[socket.socket] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.sock.accept()
                self.held.append(connection)
            except TimeoutError:
                continue
            except OSError:
                return

    def stop(self) -> None:
        self.stopping.set()
        self.join(2)
        for connection in self.held:
            connection.close()
        self.sock.close()


class MailServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.recorder = Recorder()
        self.mode = "down"
        self._controller: Controller | None = None
        self._hanging: Hanging | None = None

    def set(self, mode: str) -> None:
        """ "up", "down" or "hanging"."""
        if mode == self.mode:
            return
        if self._controller:
            self._controller.stop()
            self._controller = None
        if self._hanging:
            self._hanging.stop()
            self._hanging = None
        if mode == "up":
            self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
            self._controller.start()
        elif mode == "hanging":
            self._hanging = Hanging(self.port)
            self._hanging.start()
        self.mode = mode

    def stop(self) -> None:
        self.set("down")
