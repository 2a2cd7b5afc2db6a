"""The schedule board: sessions by host and slot, drag and drop, live rule check."""
