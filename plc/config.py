"""The capture's configuration: `<home>/capture.yaml` (Home.capture_config).

Why a file of its own and not a section of `<home>/shopfloor.yaml`: `generate` rewrites that file
(it records the plant), and a capture usually runs on an edge box beside the PLCs, configured by
whoever runs the plant network; its file names endpoints, node addresses and security, nothing
the pipeline reads. Secrets (key and user passwords) come from the environment, named here.

    poll_s: 1.0                # wall seconds between reads of the server's clock
    backoff: {first_s: 1, max_s: 60, attempts: null}   # null: retry for ever (a service)
    endpoints:
      - url: opc.tcp://127.0.0.1:4840/shopfloor/
        timeout_s: 4
        security:              # omitted: None (the simulator)
          policy: Basic256Sha256     # Basic256Sha256 | Aes128Sha256RsaOaep | Aes256Sha256RsaPss
          mode: SignAndEncrypt       # Sign | SignAndEncrypt
          certificate: /etc/shopfloor/capture-cert.der
          private_key: /etc/shopfloor/capture-key.pem
          private_key_password_env: SHOPFLOOR_CAPTURE_KEY_PASSWORD   # optional
          server_certificate: /etc/shopfloor/plc-sm1.der             # optional: fetched else
          application_uri: urn:plant:shopfloor-capture  # the URI in the certificate
        username: capture                                           # optional
        password_env: SHOPFLOOR_CAPTURE_PASSWORD                    # with username
        machines:
          SMELTER-01: {}       # the contract's node ids (ns=2;s=SMELTER-01.State, ...)
          DISPENSER-01:        # or the PLC's own address of a node, written as the contract id
            TotalCount: "ns=3;s=\\"DB10\\".\\"Count\\""

The grid (60 s) is the plant's `sampling.snapshot_interval_s`, not a capture setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from plants.model import PlantConfig
from plc import nodes

POLICIES = ("None", "Basic256Sha256", "Aes128Sha256RsaOaep", "Aes256Sha256RsaPss")
MODES = ("Sign", "SignAndEncrypt")


class CaptureConfigError(Exception):
    """The capture configuration is missing or wrong (the message says what to fix)."""


@dataclass(frozen=True)
class Security:
    policy: str = "None"
    mode: str = "SignAndEncrypt"
    certificate: str | None = None
    private_key: str | None = None
    private_key_password_env: str | None = None
    server_certificate: str | None = None
    application_uri: str | None = None  # the URI in `certificate` (a PLC checks they match)


@dataclass(frozen=True)
class Endpoint:
    url: str
    machines: dict[str, dict[str, str]]  # machine → contract node id → address on the PLC
    security: Security = field(default_factory=Security)
    username: str | None = None
    password_env: str | None = None
    timeout_s: float = 4.0


@dataclass(frozen=True)
class CaptureConfig:
    endpoints: list[Endpoint]
    poll_s: float = 1.0
    backoff_first_s: float = 1.0
    backoff_max_s: float = 60.0
    attempts: int | None = None  # connection attempts in a row before giving up; None: never


def _endpoint(raw: dict[str, Any], plant: PlantConfig, where: str) -> Endpoint:
    if not isinstance(raw, dict) or not raw.get("url"):
        raise CaptureConfigError(f"{where}: an endpoint needs a url (opc.tcp://host:port/...)")
    machines_raw = raw.get("machines") or {}
    if isinstance(machines_raw, list):
        machines_raw = dict.fromkeys(machines_raw)
    known = {m.id: m for m in plant.machines}
    machines: dict[str, dict[str, str]] = {}
    for machine_id, addresses in machines_raw.items():
        if machine_id not in known:
            raise CaptureConfigError(
                f"{where}: machine {machine_id!r} is not in the plant ({', '.join(known)})"
            )
        names = nodes.node_names(known[machine_id])
        addresses = addresses or {}
        unknown = [n for n in addresses if n not in names]
        if unknown:
            raise CaptureConfigError(
                f"{where}: {machine_id} has no node {', '.join(unknown)} "
                f"(it has {', '.join(names)})"
            )
        machines[machine_id] = {
            nodes.node_id(machine_id, n): str(addresses.get(n) or nodes.node_id(machine_id, n))
            for n in names
        }
    if not machines:
        raise CaptureConfigError(f"{where}: no machines to capture")
    sec_raw = raw.get("security") or {}
    security = Security(**{k: (str(v) if v is not None else None) for k, v in sec_raw.items()})
    if security.policy not in POLICIES or security.mode not in MODES:
        raise CaptureConfigError(
            f"{where}: security policy must be one of {', '.join(POLICIES)} and mode one of "
            f"{', '.join(MODES)}"
        )
    if security.policy != "None" and not (security.certificate and security.private_key):
        raise CaptureConfigError(
            f"{where}: security policy {security.policy} needs certificate and private_key"
        )
    return Endpoint(
        str(raw["url"]),
        machines,
        security,
        raw.get("username"),
        raw.get("password_env"),
        float(raw.get("timeout_s", 4.0)),
    )


def parse_capture_config(raw: dict[str, Any], plant: PlantConfig, where: str) -> CaptureConfig:
    """A configuration as read from YAML, checked against the plant."""
    endpoints = raw.get("endpoints") or []
    if not endpoints:
        raise CaptureConfigError(f"{where}: no endpoints configured")
    parsed = [_endpoint(e, plant, f"{where} endpoint {i + 1}") for i, e in enumerate(endpoints)]
    seen: set[str] = set()
    for endpoint in parsed:
        twice = seen & set(endpoint.machines)
        if twice:
            raise CaptureConfigError(f"{where}: {', '.join(twice)} configured at two endpoints")
        seen |= set(endpoint.machines)
    backoff = raw.get("backoff") or {}
    attempts = backoff.get("attempts")
    return CaptureConfig(
        parsed,
        float(raw.get("poll_s", 1.0)),
        float(backoff.get("first_s", 1.0)),
        float(backoff.get("max_s", 60.0)),
        None if attempts is None else int(attempts),
    )


def load_capture_config(path: Path, plant: PlantConfig) -> CaptureConfig:
    if not path.exists():
        raise CaptureConfigError(
            f"no capture configuration at {path}: write one (README, 'Capturing from PLCs')"
        )
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return parse_capture_config(raw, plant, str(path))


def simulator_config(url: str, plant: PlantConfig) -> dict[str, Any]:
    """The worked example: every controller of the plant at one endpoint (`shopfloor plc-sim`)."""
    return {"endpoints": [{"url": url, "machines": {m.id: {} for m in plant.machines}}]}
