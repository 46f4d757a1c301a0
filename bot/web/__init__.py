"""The website: a small static web server for the demo page and the chat widget."""
