"""Plots, live explorers and notebook helpers for the book's chapters.

This is the only part of scratchlearn that imports matplotlib, plotly, ipywidgets or
IPython; the algorithms themselves need NumPy only. ``common`` holds what every
chapter uses; each chapter with its own figures has a module named after it.
"""
