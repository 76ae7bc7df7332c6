"""The web UI's routes, one router per kind: pages, downloads, the ingest form, the JSON API.

Each router reads the app's :class:`~storytrace.web.library.Library` from ``request.app.state`` (through
``routes.state``); ``web.app`` includes them in this order.

Not here: the application, its middleware and error answers (``web.app``, ``web.middleware``, ``web.errors``).
"""
