"""Testing support shipped with the package: a server handle and the pytest plugin."""

from .server import EmulatorServer

__all__ = ["EmulatorServer"]
