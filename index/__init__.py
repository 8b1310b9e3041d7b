"""The search index: derived from transcripts/, rebuildable. Every Whoosh call lives in this package."""
