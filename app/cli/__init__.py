"""The `exportgate` command line: the same use cases as the API, for people and CI gates."""
