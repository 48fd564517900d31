"""Helpers shared by the estimators: input validation lives in :mod:`.validation`."""
