"""The web console: the pages a person reads in a browser, rendered by the server."""
