"""Wire formats only: how requests are recognised, parsed and answered. No behaviour lives here."""
