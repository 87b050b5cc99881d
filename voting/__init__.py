"""The meeting server: roster, attendance, agenda, polls, storage, routes and the CLI."""
