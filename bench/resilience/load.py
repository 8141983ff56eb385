"""The load generator of `make resilience`: a separate process, plain HTTP on 127.0.0.1.

Each client is a thread that does what a citizen's browser does: read pages, send the
feedback form (form page for the CSRF token, the POST, the confirmation page that shows
the reference) and track a request it sent. Every request is one JSON line in --out:
wall-clock start, kind, status (0 = no answer), seconds, and for submissions the e-mail
used and the reference the citizen was shown (the proof of an acknowledged submission).

Bounded: it stops at --duration seconds or --max-submissions, whichever comes first.
"""

import argparse
import http.client
import json
import random
import re
import threading
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

READ_PATHS = ["/ar/", "/ar/news/", "/en/news/", "/ar/about/", "/en/"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOPIC = re.compile(r'name="topic"[^>]*value="(\d+)"|<option value="(\d+)"')
REFERENCE = re.compile(r'class="reference" dir="ltr">([^<]+)<')
# Markers of the pages the suite expects (the translated 503 page, a tracking page).
MARKERS = {
    "unavailable": ("الخدمة غير متاحة مؤقتًا", "Service briefly unavailable"),
    "traceback": ("Traceback (most recent call last)",),
    "not_saved": ("تعذّر حفظ طلبك",),
}


class Client:
    def __init__(self, base: str, timeout: float, cookie: str = "") -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        if cookie:
            name, _, value = cookie.partition("=")
            self.cookies[name] = value

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        """(status, text, headers, seconds); status 0 when no HTTP answer came."""
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, text, response.headers, time.monotonic() - started
        except (OSError, http.client.HTTPException) as error:
            return 0, f"{type(error).__name__}: {error}", {}, time.monotonic() - started
        finally:
            connection.close()


class Run:
    def __init__(self, args) -> None:
        self.args = args
        self.deadline = time.monotonic() + args.duration
        self.lock = threading.Lock()
        self.submissions = 0
        self.out = open(args.out, "w", encoding="utf-8")  # noqa: SIM115 (closed in main)
        weights = dict(part.split("=") for part in args.mix.split(","))
        self.kinds = list(weights)
        self.weights = [float(w) for w in weights.values()]

    def record(self, **fields) -> None:
        with self.lock:
            self.out.write(json.dumps(fields, ensure_ascii=False) + "\n")

    def claim_submission(self) -> bool:
        with self.lock:
            if self.args.max_submissions and self.submissions >= self.args.max_submissions:
                return False
            self.submissions += 1
            return True

    def done(self) -> bool:
        if time.monotonic() >= self.deadline:
            return True
        if self.args.max_submissions and self.kinds == ["submit"]:
            with self.lock:
                return self.submissions >= self.args.max_submissions
        return False

    def markers(self, text: str) -> list[str]:
        return [name for name, needles in MARKERS.items() if any(n in text for n in needles)]

    def client_loop(self, number: int) -> None:
        rng = random.Random(number)
        mine: list[tuple[str, str]] = []
        pause = self.args.clients / self.args.rate if self.args.rate else 0.0
        next_at = time.monotonic() + rng.random() * pause
        while not self.done():
            if pause:
                delay = next_at - time.monotonic()
                if delay > 0:
                    time.sleep(min(delay, max(0.0, self.deadline - time.monotonic())))
                next_at = max(next_at + pause, time.monotonic() - pause)
                if self.done():
                    break
            kind = rng.choices(self.kinds, self.weights)[0]
            if kind == "track" and not mine:
                kind = "read"
            if kind == "submit" and not self.claim_submission():
                if self.kinds == ["submit"]:
                    break
                kind = "read"
            if kind == "read":
                self.read(rng)
            elif kind == "track":
                self.track(rng.choice(mine))
            elif kind == "staff":
                self.staff()
            else:
                result = self.submit(number)
                if result:
                    mine.append(result)
            if self.args.think:
                time.sleep(self.args.think)

    def read(self, rng: random.Random) -> None:
        path = rng.choice(READ_PATHS)
        started = time.time()
        status, text, _headers, seconds = Client(self.args.base, self.args.timeout).request(
            "GET", path
        )
        self.record(
            t=started,
            kind="read",
            path=path,
            status=status,
            s=seconds,
            marks=self.markers(text),
            error=text[:200] if status == 0 else "",
        )

    def staff(self) -> None:
        started = time.time()
        client = Client(self.args.base, self.args.timeout, self.args.staff_cookie)
        status, text, headers, seconds = client.request("GET", "/ar/staff/")
        signed_in = status == 200 and "login" not in (headers.get("Location") or "")
        self.record(
            t=started,
            kind="staff",
            status=status,
            s=seconds,
            signed_in=signed_in,
            marks=self.markers(text),
        )

    def track(self, item: tuple[str, str]) -> None:
        reference, email = item
        client = Client(self.args.base, self.args.timeout)
        started = time.time()
        status, text, _h, seconds = client.request("GET", "/ar/feedback/track/")
        token = TOKEN.search(text) if status == 200 else None
        if token:
            body = urlencode(
                {"csrfmiddlewaretoken": token.group(1), "reference": reference, "email": email}
            ).encode()
            status, text, _h, more = client.request(
                "POST",
                "/ar/feedback/track/",
                body,
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"{self.args.base}/ar/feedback/track/",
                },
            )
            seconds += more
            found = status == 200 and reference in text
        else:
            found = False
        self.record(
            t=started,
            kind="track",
            status=status,
            s=seconds,
            found=found,
            reference=reference,
            marks=self.markers(text),
        )

    def submit(self, number: int) -> tuple[str, str] | None:
        client = Client(self.args.base, self.args.timeout)
        email = f"{self.args.tag}-{number}-{uuid.uuid4().hex[:10]}@citizens.example"
        started = time.time()
        status, text, _h, seconds = client.request("GET", "/ar/feedback/new/")
        token, topic = TOKEN.search(text), TOPIC.search(text)
        reference = ""
        posted = False
        if status == 200 and token and topic:
            fields = {
                "csrfmiddlewaretoken": token.group(1),
                "kind": "complaint",
                "topic": topic.group(1) or topic.group(2),
                "subject": f"Resilience {self.args.tag} {number}",
                "body": "انتظرت ثلاث ساعات في المركز الصحي رغم وجود موعد مسبق. " * 3,
                "name": "مواطن",
                "email": email,
                "consent": "on",
                "website": "",
            }
            if self.args.attachment:
                content_type, body = multipart(fields, self.args.attachment)
            else:
                content_type, body = "application/x-www-form-urlencoded", urlencode(fields).encode()
            status, text, headers, more = client.request(
                "POST",
                "/ar/feedback/new/",
                body,
                {"Content-Type": content_type, "Referer": f"{self.args.base}/ar/feedback/new/"},
            )
            seconds += more
            posted = True
            if status == 302:
                status, text, _h, more = client.request("GET", headers["Location"])
                seconds += more
                match = REFERENCE.search(text) if status == 200 else None
                reference = match.group(1).strip() if match else ""
        self.record(
            t=started,
            kind="submit",
            status=status,
            s=seconds,
            email=email,
            posted=posted,
            reference=reference,
            marks=self.markers(text),
            kept_text="انتظرت ثلاث ساعات" in text and status != 200,
            error=text[:200] if status == 0 else "",
        )
        return (reference, email) if reference else None


def multipart(fields: dict, path: str) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    with open(path, "rb") as handle:
        data = handle.read()
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
        f'filename="scan.png"\r\nContent-Type: image/png\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8025")
    parser.add_argument("--out", required=True)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--rate", type=float, default=0, help="requests/s in all (0: flat out)")
    parser.add_argument("--mix", default="read=70,track=20,submit=10")
    parser.add_argument("--max-submissions", type=int, default=0)
    parser.add_argument("--tag", default="load")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--think", type=float, default=0)
    parser.add_argument("--staff-cookie", default="")
    parser.add_argument("--attachment", default="")
    args = parser.parse_args()
    run = Run(args)
    threads = [
        threading.Thread(target=run.client_loop, args=(n,), daemon=True)
        for n in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.duration + args.timeout * 4 + 10)
    run.out.close()


if __name__ == "__main__":
    main()
