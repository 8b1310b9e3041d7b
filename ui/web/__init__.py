"""The Streamlit search UI (`sessions serve`); the page's styles are in page.css."""
