"""Talking to PLCs over OPC-UA: a capture client that lands controller_snapshots and a simulator
server that plays the generator's simulation (data contract §5.9)."""
