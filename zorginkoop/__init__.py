"""zorginkoop: the yearly provider-selection run of a health insurer's procurement team."""

__version__ = "0.1.0"
