"""Small shared pieces: icons, actions, error dialog, formatting, table view and model bases."""
