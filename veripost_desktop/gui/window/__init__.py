"""The main window: its layout, menus and actions, saved state, the services it runs on, About."""
