"""The one failure the demo reports as a sentence rather than a traceback."""


class DemoError(Exception):
    """A step did not come about: the message says which, and what to look at."""
