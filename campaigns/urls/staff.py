from django.urls import path

from campaigns.views import staff

app_name = "campaigns_staff"

urlpatterns = [
    path("", staff.campaign_list, name="list"),
    path("<int:pk>/", staff.dashboard, name="dashboard"),
    path("<int:pk>/export.csv", staff.export_csv, name="export"),
]
