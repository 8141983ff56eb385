"""Demo crisis content: an exercise and a past, ended event, never a live emergency.

- "Muscat flood exercise": an incident page with three updates and an *Exercise*
  emergency alert (one publisher suffices: four eyes are for Actual emergencies). An
  exercise is never on the banner nor mailed; it is in the CAP feed only with
  CRISIS_CAP_INCLUDE_DRILLS.
- "Dhofar heavy rain" (last month): an Actual warning, its update and its cancellation,
  dated weeks ago: the incident page shows the whole history, the banner shows nothing
  (its "is over" notice ended long ago).
- A *Test* information alert, in force for a month: for partners checking their CAP
  reader (with CRISIS_CAP_INCLUDE_DRILLS), never on the banner.

So ``make run`` shows no banner on every page; publish an alert as ``crisis-publisher``
and approve it as ``crisis-approver`` to see one. The demo publishers are created with
DEBUG only (like every demo account); without them (production) no demo alert is made.
Running it again changes nothing: each incident is made once.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from crisis import workflow
from crisis.models import Alert, Governorate, Incident, IncidentUpdate
from portal.demo import DEMO_PASSWORD
from portal.staff import save_staff_account

PUBLISHERS = ("crisis-publisher", "crisis-approver")

COMMON = {
    "category": Alert.Category.MET,
    "urgency": Alert.Urgency.EXPECTED,
    "severity": Alert.Severity.SEVERE,
    "certainty": Alert.Certainty.LIKELY,
}


def _publishers() -> list[User]:
    if settings.DEBUG:
        for username in PUBLISHERS:
            if not User.objects.filter(username=username).exists():
                save_staff_account(username, role="crisis-publisher", password=DEMO_PASSWORD)
    return list(User.objects.filter(username__in=PUBLISHERS).order_by("username"))


def _publish(alert: Alert, author: User, approver: User) -> Alert:
    if alert.needs_approval:
        workflow.transition(author, alert, "request_approval")
        return workflow.transition(approver, alert, "approve")
    return workflow.transition(author, alert, "publish")


def _backdate(alert: Alert, sent: datetime.datetime, hours: int) -> None:
    Alert.objects.filter(pk=alert.pk).update(
        sent=sent, effective=sent, expires=sent + datetime.timedelta(hours=hours)
    )


@transaction.atomic
def load(stdout=None) -> None:
    Governorate.objects.ensure_all()
    publishers = _publishers()
    if len(publishers) < 2:
        if stdout:
            stdout.write("crisis: no demo publishers (debug off): no demo alerts")
        return
    approver, author = publishers  # crisis-approver, crisis-publisher
    governorates = {g.code: g for g in Governorate.objects.all()}
    now = timezone.now()
    made = 0

    if not Incident.objects.filter(slug="muscat-flood-exercise").exists():
        made += 1
        incident = workflow.open_incident(
            author,
            slug="muscat-flood-exercise",
            title_ar="تمرين الفيضانات في محافظة مسقط",
            title_en="Muscat flood exercise",
        )
        for body_ar, body_en in [
            (
                "يبدأ تمرين الاستجابة للفيضانات صباح اليوم بمشاركة الدفاع المدني والإسعاف. هذا تمرين وليس حالة طوارئ.",
                "The flood response exercise starts this morning with civil defence and ambulance teams. This is an exercise, not an emergency.",
            ),
            (
                "أُغلق شارع السلطان قابوس مؤقتًا قرب وادي عدي لأغراض التمرين حتى الظهر.",
                "Sultan Qaboos Street near Wadi Adai is closed for the exercise until noon.",
            ),
            (
                "انتهى التمرين. شكرًا لتعاونكم.",
                "The exercise has ended. Thank you for your patience.",
            ),
        ]:
            workflow.post_update(author, incident, body_ar=body_ar, body_en=body_en)
        drill = workflow.draft_alert(
            author,
            [governorates["OM-MA"]],
            incident=incident,
            msg_type=Alert.MsgType.ALERT,
            follows=None,
            status=Alert.Status.EXERCISE,
            level=Alert.Level.EMERGENCY,
            headline_ar="تمرين: خطر فيضان في وادي عدي",
            headline_en="Exercise: flood risk in Wadi Adai",
            summary_ar="هذا تمرين. ابتعدوا عن مجاري الأودية واتبعوا تعليمات الدفاع المدني.",
            summary_en="This is an exercise. Keep away from wadi beds and follow civil defence instructions.",
            event_ar="فيضان (تمرين)",
            event_en="Flood (exercise)",
            effective=now,
            expires=now + datetime.timedelta(hours=6),
            **{**COMMON, "urgency": Alert.Urgency.IMMEDIATE},
        )
        _publish(drill, author, approver)

    if not Incident.objects.filter(slug="dhofar-heavy-rain").exists():
        made += 1
        incident = workflow.open_incident(
            author,
            slug="dhofar-heavy-rain",
            title_ar="أمطار غزيرة في محافظة ظفار",
            title_en="Heavy rain in Dhofar",
        )
        sent = now - datetime.timedelta(days=30)
        areas = [governorates["OM-ZU"], governorates["OM-WU"]]
        first = workflow.draft_alert(
            author,
            areas,
            incident=incident,
            msg_type=Alert.MsgType.ALERT,
            follows=None,
            status=Alert.Status.ACTUAL,
            level=Alert.Level.WARNING,
            headline_ar="تحذير من أمطار غزيرة في ظفار والوسطى",
            headline_en="Heavy rain warning for Dhofar and Al Wusta",
            summary_ar="يُتوقع هطول أمطار غزيرة وجريان الأودية خلال يومين. تجنبوا عبور الأودية وتابعوا التحديثات.",
            summary_en="Heavy rain and flowing wadis are expected for two days. Do not cross wadis and follow the updates.",
            event_ar="أمطار غزيرة",
            event_en="Heavy rain",
            effective=now,
            expires=now + datetime.timedelta(days=2),
            **COMMON,
        )
        first = _publish(first, author, approver)
        update = workflow.draft_alert(
            author,
            areas,
            **{
                **_fields(first),
                "msg_type": Alert.MsgType.UPDATE,
                "follows": first,
                "summary_ar": "تستمر الأمطار حتى مساء الغد. أُغلقت بعض الطرق الجبلية؛ استخدموا الطرق البديلة.",
                "summary_en": "The rain continues until tomorrow evening. Some mountain roads are closed: use other routes.",
            },
        )
        update = _publish(update, author, approver)
        cancel = workflow.draft_alert(
            author,
            areas,
            **{
                **_fields(update),
                "msg_type": Alert.MsgType.CANCEL,
                "follows": update,
                "urgency": Alert.Urgency.PAST,
                "headline_ar": "انتهى التحذير من الأمطار الغزيرة في ظفار والوسطى",
                "headline_en": "Over: heavy rain warning for Dhofar and Al Wusta",
                "summary_ar": "انتهت الأمطار الغزيرة وفُتحت الطرق. استمروا في الحذر قرب الأودية.",
                "summary_en": "The heavy rain is over and the roads are open again. Stay careful near wadis.",
            },
        )
        cancel = _publish(cancel, author, approver)
        _backdate(first, sent, 48)
        _backdate(update, sent + datetime.timedelta(hours=12), 36)
        _backdate(cancel, sent + datetime.timedelta(hours=30), 18)
        Alert.objects.filter(pk=first.pk).update(replaced_at=sent + datetime.timedelta(hours=12))
        Alert.objects.filter(pk=update.pk).update(replaced_at=sent + datetime.timedelta(hours=30))
        workflow.post_update(
            author,
            incident,
            body_ar="فرق الدفاع المدني تواصل فتح الطرق المتضررة في ولاية صلالة.",
            body_en="Civil defence teams are reopening the damaged roads in Salalah.",
        )
        IncidentUpdate.objects.filter(incident=incident).update(
            published_at=sent + datetime.timedelta(hours=20)
        )
        Incident.objects.filter(pk=incident.pk).update(
            updated_at=sent + datetime.timedelta(hours=30)
        )

        test = workflow.draft_alert(
            author,
            list(governorates.values()),
            incident=incident,
            msg_type=Alert.MsgType.ALERT,
            follows=None,
            status=Alert.Status.TEST,
            level=Alert.Level.INFORMATION,
            headline_ar="رسالة اختبار لشركاء بروتوكول التنبيه",
            headline_en="Test message for CAP partners",
            summary_ar="رسالة اختبار تقنية لا تتطلب أي إجراء.",
            summary_en="A technical test message: no action is needed.",
            event_ar="اختبار",
            event_en="Test",
            effective=now,
            expires=now + datetime.timedelta(days=30),
            category=Alert.Category.OTHER,
            urgency=Alert.Urgency.FUTURE,
            severity=Alert.Severity.MINOR,
            certainty=Alert.Certainty.UNLIKELY,
        )
        _publish(test, author, approver)
    if stdout:
        stdout.write(f"crisis: {made} new demo incidents")


def _fields(alert: Alert) -> dict:
    return {name: getattr(alert, name) for name in workflow.ALERT_FIELDS}
