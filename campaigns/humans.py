"""Which requests are a person following a link or reading a page, and so are counted.

Not counted (docs/decisions.md, "Campaigns"; the privacy page says the same):
- anything but GET (a HEAD asks whether the page exists, a POST is a form);
- browsers' prefetch and prerender requests (``Sec-Purpose``/``Purpose: prefetch`` or
  ``prerender``, Firefox's ``X-Moz: prefetch``, Chrome's ``X-Purpose: preview``): the
  page was not shown, maybe never will be;
- link previews and crawlers, by their user agent: ``BOT_AGENTS`` below. The user agent
  is looked at while the request is answered and never stored.

An unknown robot with a browser's user agent is counted: the list keeps out the robots
that follow every link posted on a channel (the preview bots of the platforms themselves)
and the big search engines, which is where campaign links get fetched without a person.
"""

import re

from django.http import HttpRequest

# Lower case substrings of the User-Agent header.
BOT_AGENTS = (
    # the link previews of the channels and messengers a campaign posts on
    "twitterbot",
    "facebookexternalhit",
    "facebookcatalog",
    "meta-externalagent",
    "whatsapp",
    "telegrambot",
    "slackbot",
    "slack-imgproxy",
    "discordbot",
    "linkedinbot",
    "pinterestbot",
    "redditbot",
    "skypeuripreview",
    "microsoftpreview",
    "snapchat",
    "tiktokbot",
    "bytespider",
    "applebot",
    "embedly",
    "iframely",
    "vkshare",
    "viber",
    "line-poker",
    # search engines and other crawlers
    "googlebot",
    "google-inspectiontool",
    "googleother",
    "adsbot-google",
    "mediapartners-google",
    "bingbot",
    "bingpreview",
    "yandexbot",
    "baiduspider",
    "duckduckbot",
    "petalbot",
    "ahrefsbot",
    "semrushbot",
    "mj12bot",
    "dotbot",
    "gptbot",
    "ccbot",
    # generic markers and tools
    "bot/",
    "crawler",
    "spider",
    "headlesschrome",
    "curl/",
    "wget/",
    "python-requests",
    "python-urllib",
    "go-http-client",
)
_BOTS = re.compile("|".join(re.escape(agent) for agent in BOT_AGENTS))
_PREFETCH = re.compile(r"prefetch|prerender|preview", re.IGNORECASE)


def is_person(request: HttpRequest) -> bool:
    """True when ``request`` is counted: a GET, not a prefetch or preview, no known bot."""
    if request.method != "GET":
        return False
    meta = request.META
    for header in ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_MOZ", "HTTP_X_PURPOSE"):
        value = meta.get(header)
        if value and _PREFETCH.search(value):
            return False
    agent = meta.get("HTTP_USER_AGENT", "")
    return bool(agent) and not _BOTS.search(agent.lower())
