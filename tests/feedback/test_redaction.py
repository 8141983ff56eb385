"""Issue 17, redaction help: what looks like a civil ID, a phone number, an e-mail address or
a vehicle plate is found in Latin and Arabic-Indic digits, masked and highlighted; dates,
amounts, times and the portal's references are left alone."""

import pytest
from django.utils import translation

from feedback import redaction

# (text, kind found, the part found): real-looking variants, Latin and Arabic-Indic digits.
FOUND = [
    # Civil ID numbers
    ("رقمي المدني 12345678 للمراجعة", "civil_id", "12345678"),
    ("رقمي المدني ١٢٣٤٥٦٧٨ للمراجعة", "civil_id", "١٢٣٤٥٦٧٨"),
    ("Civil ID: 0812345", "civil_id", "0812345"),
    ("البطاقة رقم ۱۲۳۴۵۶۷۸۹", "civil_id", "۱۲۳۴۵۶۷۸۹"),  # Persian digits
    # Phone numbers: +968 / 00968 and local mobile and land-line forms
    ("اتصل على +968 9123 4567 مساءً", "phone", "+968 9123 4567"),
    ("call +96891234567 please", "phone", "+96891234567"),
    ("هاتفي 00968-7123-4567", "phone", "00968-7123-4567"),
    ("هاتفي ٩١٢٣٤٥٦٧", "phone", "٩١٢٣٤٥٦٧"),
    ("هاتفي ٩١٢٣ ٤٥٦٧", "phone", "٩١٢٣ ٤٥٦٧"),
    ("Mobile 7912-3456.", "phone", "7912-3456"),
    ("المكتب 24123456", "phone", "24123456"),
    ("رقم المكتب +٩٦٨ ٢٤١٢ ٣٤٥٦", "phone", "+٩٦٨ ٢٤١٢ ٣٤٥٦"),
    ("968 9123 4567", "phone", "968 9123 4567"),
    # E-mail addresses
    ("راسلني على ali.salim+tawasul@example.om شكراً", "email", "ali.salim+tawasul@example.om"),
    ("(mail: Fatma_99@gov.example.com)", "email", "Fatma_99@gov.example.com"),
    # Vehicle plates: digits and one or two letters, either order
    ("سيارة رقمها 12345 أ ب متوقفة", "plate", "12345 أ ب"),
    ("سيارة رقمها ١٢٣٤٥ ر م متوقفة", "plate", "١٢٣٤٥ ر م"),
    ("لوحة ٤٥٦٧ ع", "plate", "٤٥٦٧ ع"),
    ("plate 3456 AB parked there", "plate", "3456 AB"),
    ("plate 98765-W near the gate", "plate", "98765-W"),
    ("plate AR 4521 near the gate", "plate", "AR 4521"),
    ("اللوحة أ ب ١٢٣٤ أمام المدرسة", "plate", "أ ب ١٢٣٤"),
]

# Texts in which nothing must be found.
NOT_FOUND = [
    "زرت المركز في 2026-03-15 الساعة 10:30",
    "زرت المركز في ١٥/٠٣/٢٠٢٦",
    "on 15.03.2026 and 15-03-2026",
    "دفعت 1,500.250 ر.ع رسوماً",
    "المبلغ ٢٥٠٠٠٠٠ ريال",
    "The fee is OMR 2500000 a year",
    "the fine was 12.500 RO",
    "رقم الطلب TW-7K3Q-9M2X",
    "reference TW-2345-67AB in the mail",
    "at 10 AM and 5 PM, 15 KM away",
    "في عام ٢٠٢٦ م",
    "بين ٣ و ٤ أيام",
    "في 2026 كان الانتظار طويلاً",
    "لدي 3 أطفال في المدرسة",
    "waited 3 hours, room 12, floor 4",
    "الحافلة رقم ٤ لا تمر",
    "Paragraph 2 of decree 6/2022",
]


@pytest.mark.parametrize(("text", "kind", "part"), FOUND, ids=[row[2] for row in FOUND])
def test_personal_numbers_are_found(text, kind, part):
    found = redaction.find(text)
    assert [(f.kind, text[f.start : f.end]) for f in found] == [(kind, part)]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_dates_amounts_and_references_are_not(text):
    assert redaction.find(text) == []


@pytest.mark.parametrize(("text", "kind", "part"), FOUND, ids=[row[2] for row in FOUND])
def test_the_mask_leaves_nothing_to_find(text, kind, part):
    masked = redaction.mask(text, "en")
    assert part not in masked
    assert f"[{redaction.LABELS[kind]} removed]" in masked
    assert redaction.find(masked) == []


def test_the_mask_speaks_the_text_language():
    masked = redaction.mask("هاتفي ٩١٢٣٤٥٦٧ والبريد a@b.om", "ar")
    assert "٩١٢٣٤٥٦٧" not in masked and "a@b.om" not in masked
    assert "[رقم هاتف محذوف]" in masked and "[عنوان بريد إلكتروني محذوف]" in masked


def test_several_findings_in_one_text_are_each_masked_in_order():
    text = "Call 9123 4567 or write to me@example.com about car 4521 AB, ID 87654321."
    found = redaction.find(text)
    assert [f.kind for f in found] == ["phone", "email", "plate", "civil_id"]
    masked = redaction.mask(text, "en")
    assert masked == (
        "Call [phone number removed] or write to [e-mail address removed] about car "
        "[vehicle plate removed], ID [civil ID number removed]."
    )


def test_the_highlight_marks_findings_and_escapes_the_rest():
    with translation.override("en"):
        html = redaction.highlight("<b>Call</b> 91234567")
    assert "&lt;b&gt;Call&lt;/b&gt;" in html
    assert '<mark class="redaction" title="phone number">91234567' in html
    assert html.count("<mark") == 1
