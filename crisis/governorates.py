"""The eleven governorates of the Sultanate of Oman and their ISO 3166-2:OM codes.

The codes are the CAP ``geocode`` of each area (valueName ``ISO3166-2``); the names are the
``areaDesc`` in each language. The ``Governorate`` rows are made from this list by a data
migration (crisis/migrations/0002).
"""

# (ISO 3166-2 code, Arabic name, English name), in the order of the official list.
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

CODES = [code for code, _ar, _en in GOVERNORATES]
# The valueName of the geocode: the scheme the value is from.
GEOCODE_SCHEME = "ISO3166-2"
