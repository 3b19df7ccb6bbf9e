"""Governance of the account's Glue resources: security configurations, the Data Catalog's encryption settings
and resource policies.

(`emulator/security/` is the emulator's own request security: Host/Origin checks and SigV4.)
"""

from .security_configurations import require_security_configuration

__all__ = ["require_security_configuration"]
