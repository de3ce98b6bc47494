"""Errors the CLI turns into clear messages (file, row and field; never patient values)."""


class AllianceError(Exception):
    """Base class for errors the user can act on."""


class InputError(AllianceError):
    """An input file cannot be processed at all (missing, unreadable, wrong columns)."""


class StorageError(AllianceError):
    """The shared storage (`ALLIANCE_STORAGE_URI`) could not be read or written; names the object."""
