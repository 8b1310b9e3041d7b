"""User-facing layer: config, the `sessions` CLI, exports and the Streamlit app."""
