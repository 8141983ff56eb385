"""Public campaign URLs: the short link (no language prefix; answered early by
``campaigns.middleware``, mounted here so it can be reversed) and the usefulness answer."""

from django.urls import path

from campaigns.views import public

app_name = "campaigns"

urlpatterns = [
    path("c/<str:code>", public.follow, name="follow"),
]

# Under the language prefix (portal/urls.py): /<lang>/useful/
useful_patterns = (
    [path("useful/", public.answer_useful, name="useful")],
    "campaigns_useful",
)
