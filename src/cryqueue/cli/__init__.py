"""The command line: the parser, the commands and how they print. Uses the library through
`cryqueue.library`; imports Textual only to launch the app (start-up time matters)."""
