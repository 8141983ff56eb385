"""Forms of the feedback app: ``public`` (the citizen's) and ``staff`` (one per workflow
action, and the moderators' bulk form)."""
