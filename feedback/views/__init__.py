"""Views of the feedback app, by audience: ``public`` (send and track), ``staff`` (queue,
inbox, items, attachments), ``dashboard`` (figures and export); ``access`` is the gate of
every staff page."""
