"""Beffroi: a sovereign collaborative workplace for local authorities."""

__version__ = "0.1.0"
