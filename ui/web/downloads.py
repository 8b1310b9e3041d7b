"""Download buttons for one transcript, in every format the export registry knows."""

from __future__ import annotations

import functools

import streamlit as st

from archive.export import FORMATS, export_bytes, export_filename
from archive.records import Transcript
from ui.web.i18n import _

MIMES = {
    "txt": "text/plain",
    "srt": "application/x-subrip",
    "vtt": "text/vtt",
    "json": "application/json",
    "csv": "text/csv",
}


def format_label(fmt: str) -> str:
    """What a download gives, not only its extension: "Subtitles (SRT)"."""
    return {
        "txt": _("Text (TXT)"),
        "srt": _("Subtitles (SRT)"),
        "vtt": _("Web captions (VTT)"),
        "json": _("Data (JSON)"),
        "csv": _("Spreadsheet (CSV)"),
    }.get(fmt, fmt.upper())


def transcript_downloads(transcript: Transcript) -> None:
    st.caption(_("The full transcript of this session:"))
    row = st.container(horizontal=True)  # one block, not a column per button: fewer elements to draw
    for fmt in FORMATS:
        row.download_button(
            format_label(fmt),
            functools.partial(export_bytes, transcript, fmt),  # made only when clicked
            file_name=export_filename(transcript.video.id, fmt),
            mime=MIMES.get(fmt, "application/octet-stream"),
            key=f"dl-{fmt}",
            on_click="ignore",
            width="stretch",
        )
