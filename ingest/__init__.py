"""Ingestion: list and download recordings, transcribe them, store transcripts (the source of truth)."""
