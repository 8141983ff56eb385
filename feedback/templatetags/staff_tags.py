from django import template

from portal import roles

register = template.Library()


@register.inclusion_tag("feedback/staff/_nav.html", takes_context=True)
def staff_nav(context) -> dict:
    """The staff area's navigation: each link only for those who may use it."""
    request = context["request"]
    user = request.user
    is_moderator = user.is_superuser or roles.has_role(user, roles.MODERATORS)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "is_moderator": is_moderator,
        "opens_items": is_moderator or roles.has_role(user, roles.MINISTRY_OFFICERS),
    }
