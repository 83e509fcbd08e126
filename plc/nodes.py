"""The node map: which OPC-UA nodes each controller has, how their ids are spelled, their data
types and the status codes a read carries (data contract §5.9).

One owner: the generator's controller_snapshots rendering, the simulator server and the capture
client all read it, so a node id or a status name is written here only.
"""

from __future__ import annotations

from plants.model import Machine

NAMESPACE = 2  # ns=2: the first namespace a server registers after its own (ns=1)
STATE, TOTAL_COUNT, STATUS_WORD = "State", "TotalCount", "StatusWord"

GOOD = "Good"
STALE = "UncertainLastUsableValue"  # the last Good value of the node, with that read's timestamp
BAD = "BadCommunicationError"  # no value
STATUS_NAMES = (GOOD, STALE, BAD)


def node_names(machine: Machine) -> tuple[str, ...]:
    """A controller's nodes in the order a snapshot lists them (the dispenser adds StatusWord)."""
    return (STATE, TOTAL_COUNT, STATUS_WORD) if machine.is_dispenser else (STATE, TOTAL_COUNT)


def node_id(machine_id: str, name: str) -> str:
    """The contract's node id of one node of a controller, e.g. `ns=2;s=SMELTER-01.State`."""
    return f"ns={NAMESPACE};s={machine_id}.{name}"


def identifier(machine_id: str, name: str) -> str:
    """The string identifier inside the node id (what a server registers in NAMESPACE)."""
    return f"{machine_id}.{name}"


def data_type(name: str, counter_wraps: bool) -> str:
    """The OPC-UA built-in type of a node: TotalCount is UInt16 when the counter wraps at 65 536
    (chaos counter_resets on), else UInt32."""
    if name == TOTAL_COUNT:
        return "UInt16" if counter_wraps else "UInt32"
    return {STATE: "Int16", STATUS_WORD: "Byte"}[name]


def plant_endpoint(machine: Machine) -> str:
    """The endpoint the generator names for a controller (one PLC per station on the plant
    network); a capture writes the endpoint it actually read instead."""
    return f"opc.tcp://plc-{machine.station.lower()}.plant.local:4840"
