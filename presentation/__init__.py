"""The presentation layer: the wording, the figure layouts and the text renderers that
the command line, the app and the reports share. Pure Python, no Qt; it reads the
engine's objects (rules/) and never reasons."""
