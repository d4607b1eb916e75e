"""The web console over HTTP: sessions, anti-forgery tokens, and what each page shows."""
