# Arabic as written in Oman's official sites: Latin digits, the Arabic month names (the
# "E" form, so April is أبريل as the Gulf writes it, not Django's إبريل), a 24-hour clock
# after the Arabic comma, "." as decimal mark and "," between thousands (CLDR's Arabic
# with Latin digits). Django's own Arabic module writes 1,7 and 4.921, and its date and
# date-time formats disagree (j F، Y and ديسمبر 3, 2026, 2:05 م).
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y، H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "E Y"
MONTH_DAY_FORMAT = "j E"
# No second, shorter pattern: anything (the admin included) asking for a short form gets
# the one format.
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
# The Omani week starts on Sunday (Friday and Saturday are the weekend).
FIRST_DAY_OF_WEEK = 0
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
