"""The provisioner (SPEC §6): put the shim on a host and wire agents' status lines to it."""
