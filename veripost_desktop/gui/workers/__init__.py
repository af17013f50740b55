"""Running core calls off the GUI thread: the worker base and the call runner."""
