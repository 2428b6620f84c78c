"""sohoa: scanned Vietnamese official letters to corrected, structured JSON."""

__version__ = "0.1.0"
