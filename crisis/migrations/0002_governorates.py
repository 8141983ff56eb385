from django.db import migrations

# A copy, as migrations must not import the app's current code.
GOVERNORATES = [
    ("OM-MA", "محافظة مسقط", "Muscat"),
    ("OM-ZU", "محافظة ظفار", "Dhofar"),
    ("OM-MU", "محافظة مسندم", "Musandam"),
    ("OM-BU", "محافظة البريمي", "Al Buraimi"),
    ("OM-DA", "محافظة الداخلية", "Ad Dakhiliyah"),
    ("OM-BS", "محافظة شمال الباطنة", "Al Batinah North"),
    ("OM-BJ", "محافظة جنوب الباطنة", "Al Batinah South"),
    ("OM-SS", "محافظة شمال الشرقية", "Ash Sharqiyah North"),
    ("OM-SJ", "محافظة جنوب الشرقية", "Ash Sharqiyah South"),
    ("OM-ZA", "محافظة الظاهرة", "Ad Dhahirah"),
    ("OM-WU", "محافظة الوسطى", "Al Wusta"),
]


def create(apps, schema_editor):
    Governorate = apps.get_model("crisis", "Governorate")
    for code, name_ar, name_en in GOVERNORATES:
        Governorate.objects.update_or_create(
            code=code, defaults={"name_ar": name_ar, "name_en": name_en}
        )


class Migration(migrations.Migration):
    dependencies = [("crisis", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
