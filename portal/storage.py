"""Small helpers over Django's storage API, shared by the apps' short-lived files."""

from datetime import datetime

from django.core.files.storage import Storage


def delete_older_than(storage: Storage, folder: str, oldest: datetime) -> int:
    """Delete the files directly in ``folder`` last modified before ``oldest``; returns
    how many. A missing folder, or a file removed meanwhile, is not an error."""
    try:
        _folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in names:
        path = f"{folder}/{name}"
        try:
            if storage.get_modified_time(path) < oldest:
                storage.delete(path)
                deleted += 1
        except FileNotFoundError:
            continue  # used or removed meanwhile
    return deleted
