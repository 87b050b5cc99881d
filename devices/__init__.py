"""Tablets as trusted devices: pairing, signed messages, connections, the tablet page."""
