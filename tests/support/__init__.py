"""Test support: model fixtures, the loopback channel, reference texts."""
