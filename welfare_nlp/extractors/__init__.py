"""One module per extraction stage: each ``apply``/``extract`` works on a ``DocContext``."""
