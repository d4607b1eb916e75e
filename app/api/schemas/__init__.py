"""Request and response shapes of the API (suffix Read for what is returned), one module
per noun: a route imports the shapes of its noun from that noun's module."""
