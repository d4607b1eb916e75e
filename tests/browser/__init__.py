"""The console in a real headless Chromium against a live server on the sample data."""
