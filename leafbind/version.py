"""leafbind's version: recorded in the build state (a new version makes every output again) and shown by
`publish --version`. A module of its own, so that nothing has to import the package's __init__ for it."""

__version__ = "0.5.0"
