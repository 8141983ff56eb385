"""Article bodies: Markdown written by editors, rendered to HTML and then filtered through an
allow-list (nh3), so nothing an editor types can run script on the public site."""

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_body(text: str) -> str:
    """Markdown to safe HTML. Raw HTML in the source is escaped by nh3's allow-list, not
    trusted; links get rel="noopener noreferrer"."""
    html = markdown.markdown(text or "", extensions=["sane_lists", "tables"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
