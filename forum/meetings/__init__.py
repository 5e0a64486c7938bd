"""Facilitated online meetings: a time-boxed room on a board, scheduled by a facilitator."""
