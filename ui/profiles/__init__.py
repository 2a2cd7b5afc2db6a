"""Profiles of officials, hosts and interpreters: table models, the filter, the detail
editor with its availability timeline, and the undoable edit commands."""
