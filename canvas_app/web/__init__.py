"""The web application shell: the Dash app factory, sign-in, request checks, background jobs, health routes,
settings and the services every callback uses. It wires the pure core (``canvas_app``), ``storage`` and the
UI (``layouts``, ``callbacks``) together; nothing in the core imports it."""
