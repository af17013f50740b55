"""The source viewer: a stored .SRC/.LIB shown as stored, with its outline and UPG colours."""
