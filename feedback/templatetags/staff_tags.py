from django import template

from portal import roles

register = template.Library()


@register.inclusion_tag("feedback/staff/_nav.html", takes_context=True)
def staff_nav(context) -> dict:
    """The staff area's navigation: each link only for those who may use it."""
    request = context["request"]
    user = request.user
    scope = roles.feedback_scope(user)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "is_moderator": roles.is_moderator(user),
        "opens_items": scope is not None and scope.opens_items,
        "sees_campaigns": roles.campaign_scope(user) is not None,
        "reads_claims": roles.reads_claims(user),
    }
