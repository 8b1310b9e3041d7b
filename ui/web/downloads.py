"""Download buttons for one transcript, in every format the export registry knows."""

from __future__ import annotations

import functools

import streamlit as st

from archive.export import FORMATS, export_bytes, export_filename
from archive.records import Transcript

MIMES = {
    "txt": "text/plain",
    "srt": "application/x-subrip",
    "vtt": "text/vtt",
    "json": "application/json",
    "csv": "text/csv",
}


def transcript_downloads(transcript: Transcript) -> None:
    st.caption("The full transcript of this session:")
    cols = st.columns(len(FORMATS))
    for col, fmt in zip(cols, FORMATS, strict=True):
        col.download_button(
            fmt.upper(),
            functools.partial(export_bytes, transcript, fmt),  # made only when clicked
            file_name=export_filename(transcript.video.id, fmt),
            mime=MIMES.get(fmt, "application/octet-stream"),
            key=f"dl-{fmt}",
            on_click="ignore",
            width="stretch",
        )
