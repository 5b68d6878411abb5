"""The ``canvas-app`` command line: scoring and reports on files, the server, the database and accounts."""
