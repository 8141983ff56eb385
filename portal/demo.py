"""Demo content of the portal app: the real ministries of the Sultanate of Oman and the
centre's official channels (demo handles). ``load_demo`` calls ``load()`` of every app's
``demo`` module, in INSTALLED_APPS order, so each app owns its demo data."""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from portal import enrolment
from portal.models import ContactDetails, Ministry, OfficialChannel
from portal.staff import save_staff_account

# (slug, Arabic name, English name)
MINISTRIES = [
    ("interior", "وزارة الداخلية", "Ministry of Interior"),
    ("foreign-affairs", "وزارة الخارجية", "Ministry of Foreign Affairs"),
    ("finance", "وزارة المالية", "Ministry of Finance"),
    ("health", "وزارة الصحة", "Ministry of Health"),
    ("education", "وزارة التربية والتعليم", "Ministry of Education"),
    (
        "higher-education",
        "وزارة التعليم العالي والبحث العلمي والابتكار",
        "Ministry of Higher Education, Research and Innovation",
    ),
    ("labour", "وزارة العمل", "Ministry of Labour"),
    (
        "commerce",
        "وزارة التجارة والصناعة وترويج الاستثمار",
        "Ministry of Commerce, Industry and Investment Promotion",
    ),
    ("economy", "وزارة الاقتصاد", "Ministry of Economy"),
    ("energy", "وزارة الطاقة والمعادن", "Ministry of Energy and Minerals"),
    (
        "agriculture",
        "وزارة الثروة الزراعية والسمكية وموارد المياه",
        "Ministry of Agriculture, Fisheries and Water Resources",
    ),
    (
        "transport",
        "وزارة النقل والاتصالات وتقنية المعلومات",
        "Ministry of Transport, Communications and Information Technology",
    ),
    ("housing", "وزارة الإسكان والتخطيط العمراني", "Ministry of Housing and Urban Planning"),
    ("social-development", "وزارة التنمية الاجتماعية", "Ministry of Social Development"),
    (
        "culture-sports-youth",
        "وزارة الثقافة والرياضة والشباب",
        "Ministry of Culture, Sports and Youth",
    ),
    ("heritage-tourism", "وزارة التراث والسياحة", "Ministry of Heritage and Tourism"),
    ("information", "وزارة الإعلام", "Ministry of Information"),
    ("justice", "وزارة العدل والشؤون القانونية", "Ministry of Justice and Legal Affairs"),
    ("awqaf", "وزارة الأوقاف والشؤون الدينية", "Ministry of Awqaf and Religious Affairs"),
]

# Demo handles for local use: not the accounts of any real organisation.
CHANNELS = [
    (OfficialChannel.Platform.X, "@tawasul_demo", "https://x.com/tawasul_demo"),
    (
        OfficialChannel.Platform.INSTAGRAM,
        "@tawasul_demo",
        "https://www.instagram.com/tawasul_demo/",
    ),
    (OfficialChannel.Platform.YOUTUBE, "@tawasul_demo", "https://www.youtube.com/@tawasul_demo"),
]


# Local demo accounts (README.md lists them): one per role, and an officer for every
# ministry a demo topic or request is routed to, so each demo request can be answered
# (tests/feedback/test_demo.py keeps the list complete). Created only with DEBUG on, so a
# production database never gets an account with a published password.
DEMO_PASSWORD = "tawasul-demo-2026"  # noqa: S105 (documented, local only)
DEMO_OFFICER_MINISTRIES = [
    "health",
    "education",
    "transport",
    "labour",
    "housing",
    "heritage-tourism",
]
DEMO_STAFF = [
    ("moderator", "moderator", None),
    *((f"officer-{slug}", "officer", slug) for slug in DEMO_OFFICER_MINISTRIES),
    ("editor", "editor", None),
    ("manager", "manager", None),
]


@transaction.atomic
def load(stdout=None) -> None:
    for order, (slug, name_ar, name_en) in enumerate(MINISTRIES, start=1):
        Ministry.objects.update_or_create(
            slug=slug,
            defaults={
                "name_ar": name_ar,
                "name_en": name_en,
                "description_ar": f"تستقبل {name_ar} الشكاوى والمقترحات والأفكار عبر منصة تواصل.",
                "description_en": f"The {name_en} receives complaints, suggestions and ideas "
                "through Tawasul.",
                "contact_email": f"{slug}@ministries.tawasul.example",
                "order": order,
            },
        )
    for order, (platform, handle, url) in enumerate(CHANNELS, start=1):
        OfficialChannel.objects.update_or_create(
            platform=platform, handle=handle, defaults={"url": url, "order": order}
        )
    # The demo's contact details: an example address and number, not the real centre's.
    ContactDetails.objects.update_or_create(
        pk=ContactDetails.SINGLETON,
        defaults={
            "address_ar": "مركز التواصل الحكومي (عنوان تجريبي)\nمبنى 12، شارع المثال\nمسقط، سلطنة عُمان",
            "address_en": "Government Communication Centre (demo address)\n"
            "Building 12, Example Street\nMuscat, Sultanate of Oman",
            "phone": "+968 2400 0000",
            "email": "contact@tawasul.example",
            "opening_hours_ar": "من الأحد إلى الخميس، من 7:30 إلى 14:30",
            "opening_hours_en": "Sunday to Thursday, 7:30 to 14:30",
            "opening_hours_spec": "Su-Th 07:30-14:30",
        },
    )
    accounts = _load_demo_staff() if settings.DEBUG else 0
    if stdout:
        stdout.write(
            f"portal: {len(MINISTRIES)} ministries, {len(CHANNELS)} channels, "
            f"{accounts} new demo accounts"
        )
    if settings.DEBUG and settings.STAFF_2FA_REQUIRED:
        codes = _issue_demo_enrolment_codes()
        if stdout and codes:
            stdout.write("Demo enrolment codes (for the first sign-in with the second factor):")
            for username, code in codes:
                stdout.write(f"  {username}: {code}")


def _load_demo_staff() -> int:
    """Creates missing demo accounts; never touches an existing account or its password."""
    created = 0
    for username, role, ministry in DEMO_STAFF:
        if not User.objects.filter(username=username).exists():
            save_staff_account(username, role=role, ministry_slug=ministry, password=DEMO_PASSWORD)
            created += 1
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@tawasul.example", DEMO_PASSWORD)
        created += 1
    return created


def _issue_demo_enrolment_codes() -> list[tuple[str, str]]:
    """A fresh code, printed by every ``load_demo`` (``make run``), for each demo account
    that has no authenticator yet: so the demo works with the second factor switched on,
    without a published code (debug only, like the accounts themselves)."""
    usernames = [username for username, _role, _ministry in DEMO_STAFF] + ["admin"]
    users = User.objects.filter(username__in=usernames).exclude(totpdevice__confirmed=True)
    return [(user.username, enrolment.issue(user)) for user in users.order_by("username")]
