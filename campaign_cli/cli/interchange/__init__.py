"""Files exchanged with other tools: calendars, Taskwarrior, log sheets read back."""
