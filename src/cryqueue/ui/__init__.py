"""The Textual app: `app.py`, its screens (`screens/`) and widgets (`widgets/`). Everything
here goes through `cryqueue.library` (and `domain` types); it never opens the database or
writes SQL."""
