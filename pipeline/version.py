"""The package's version, in a module of its own: what needs it (the batch's
rules version, ``tdkt --version``) imports it without the package's API."""
__version__ = "0.1.0"
