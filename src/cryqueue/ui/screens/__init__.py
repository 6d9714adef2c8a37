"""The app's screens beside the main one: dialogs, the help screen."""
