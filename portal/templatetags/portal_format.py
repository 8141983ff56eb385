"""Template filters for dates and numbers: ``{% load portal_format %}``.

The same functions as ``portal.formatting``, so a page, a staff table and an e-mail
write "3 ديسمبر 2026" and 1.7 alike. For a person: ``|local_date``,
``|local_datetime``, ``|local_month``, ``|local_number`` (``|local_number:1`` for one
decimal), ``|local_percent`` (0.85 as 85%). For a machine (``<time datetime>``, meta tags): ``|iso_date``,
``|iso_datetime``. Django's ``|date:"..."`` and ``|floatformat`` are not used in our
templates: each would be a second style.
"""

from django import template

from portal import formatting

register = template.Library()

register.filter("local_date", formatting.local_date)
register.filter("local_datetime", formatting.local_datetime)
register.filter("local_month", formatting.local_month)
register.filter("local_axis_date", formatting.local_axis_date)
register.filter("local_axis_month", formatting.local_axis_month)
register.filter("local_number", formatting.local_number)
register.filter("local_percent", formatting.local_percent)
register.filter("iso_date", formatting.iso_date)
register.filter("iso_datetime", formatting.iso_datetime)
