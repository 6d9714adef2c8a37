"""The app's widgets: the ranked list, the details pane and the notes editor."""
