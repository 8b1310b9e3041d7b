"""The offline demo and its test support: a loopback RSS feed of local media, bundled Whisper weights.

Not part of the product path: nothing in archive/, ingest/, index/ or ui/ imports it.
"""
