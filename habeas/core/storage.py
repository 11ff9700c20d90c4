"""The ``private`` storage: files no address serves (photo originals, receipts)."""

from __future__ import annotations

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class _PrivateStorage(LazyObject):  # type: ignore[type-arg]
    """The ``private`` storage, looked up when first used and again after
    settings.STORAGES changes (as Django's ``default_storage`` is), so a test
    that moves it elsewhere moves the files too."""

    def _setup(self) -> None:
        from django.core.files.storage import storages

        self._wrapped = storages["private"]


private_storage = _PrivateStorage()


@receiver(setting_changed)
def _private_storage_changed(*, setting: str, **kwargs: object) -> None:
    if setting == "STORAGES":
        private_storage._wrapped = empty  # type: ignore[assignment]
