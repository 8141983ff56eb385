"""Addresses of the feedback app: ``public`` (namespace ``feedback``, /<lang>/feedback/)
and ``staff`` (namespace ``feedback_staff``, /<lang>/staff/)."""
