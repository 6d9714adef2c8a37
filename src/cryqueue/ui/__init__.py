"""The Textual app. Everything here talks to the library service, never to SQL."""
