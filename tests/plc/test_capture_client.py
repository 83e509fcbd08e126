"""The capture client against what goes wrong: no server, a server answering Bad status codes,
secured endpoints, and configuration mistakes. Cheap: no generated home, no pipeline."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from asyncua import Client, Server, ua
from asyncua.crypto import security_policies
from asyncua.crypto.cert_gen import setup_self_signed_certificate
from cryptography.x509.oid import ExtendedKeyUsageOID

from cli.main import main
from generators.calendar import day_bounds
from generators.timefmt import utc_iso
from plants.home import Home
from plants.model import load_plant
from plc import nodes
from plc.capture import connect, run_capture
from plc.config import CaptureConfigError, Endpoint, Security, parse_capture_config
from plc.landing import SnapshotSpool
from plc.schedule import NodeSeries, Read, Schedule
from plc.simulator import SimClock, endpoint_url, serve

DAY = date(2026, 10, 22)
PLANT = load_plant(None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_endpoint_exits_non_zero_and_keeps_what_was_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = Home(tmp_path)
    url = endpoint_url(free_port())  # nothing listens there
    config = {"endpoints": [{"url": url, "machines": ["SMELTER-01"]}],
              "backoff": {"first_s": 0.01, "max_s": 0.02, "attempts": 3}}  # fmt: skip
    home.capture_config.write_text(yaml.safe_dump(config), encoding="utf-8")
    start = day_bounds(PLANT, DAY)[0]
    read_before = b'{"endpoint":"%s","server_timestamp":"%s","nodes":[]}' % (
        url.encode(),
        utc_iso(start).encode(),
    )
    SnapshotSpool(home).append(DAY, "SMELTER-01", read_before)  # a line an earlier run read

    code = main(["--home", str(tmp_path), "capture", "--once", "--from", DAY.isoformat()])

    assert code == 1
    err = capsys.readouterr().err
    assert f"cannot reach {url} after 3 attempts" in err and "spool" in err
    spooled = (home.capture_dir / "spool" / DAY.isoformat() / "SMELTER-01.jsonl").read_bytes()
    assert spooled == read_before + b"\n"
    assert not home.landing.exists()  # nothing half-captured was published


def _series(reads: list[Read], start: int, step: int) -> NodeSeries:
    return NodeSeries([start + i * step for i in range(len(reads))], reads)


def test_bad_and_stale_reads_are_written_with_their_status_and_counted(tmp_path: Path) -> None:
    start, step = day_bounds(PLANT, DAY)[0], int(PLANT.sampling["snapshot_interval_s"])
    state, count = nodes.node_id("SMELTER-01", "State"), nodes.node_id("SMELTER-01", "TotalCount")
    good = nodes.GOOD
    at = [start + i * step for i in range(4)]
    served = {
        state: [Read(1, "Int16", at[0], good), Read(1, "Int16", at[0], nodes.STALE),
                Read(None, "Int16", at[2], nodes.BAD), Read(2, "Int16", at[3], good)],
        count: [Read(100, "UInt32", at[0], good), Read(105, "UInt32", at[1], good),
                Read(None, "UInt32", at[2], nodes.BAD), Read(9, "UInt32", at[3], good)],
    }  # fmt: skip
    schedule = Schedule(
        PLANT, start, start + 4 * step, {n: _series(r, start, step) for n, r in served.items()}, {}
    )
    port = free_port()
    # SMELTER-02 is configured but the server does not have it: every read of it is Bad
    raw = {"endpoints": [{"url": endpoint_url(port), "machines": ["SMELTER-01", "SMELTER-02"]}],
           "poll_s": 0.02}  # fmt: skip
    config = parse_capture_config(raw, PLANT, "test")
    home = Home(tmp_path)
    halfway, until = (datetime.fromisoformat(utc_iso(t)) for t in (at[1], at[3]))

    async def run():
        ready = asyncio.Event()
        server = asyncio.create_task(
            serve(schedule, SimClock(start, time.time(), 600), port, ready)
        )
        await ready.wait()
        try:  # a capture stopped halfway, and one started again: it goes on after its last line
            first = await run_capture(home, PLANT, config, DAY, halfway, False)
            return first, await run_capture(home, PLANT, config, DAY, until, False)
        finally:
            server.cancel()

    first, then = asyncio.run(run())

    spool = home.capture_dir / "spool" / DAY.isoformat()
    lines = [json.loads(x) for x in (spool / "SMELTER-01.jsonl").read_bytes().splitlines()]
    written = [[(r["value"], r["data_type"], r["source_timestamp"], r["status_code"])
                for r in line["nodes"]] for line in lines]  # fmt: skip
    expected = [
        [(r.value, r.data_type, utc_iso(r.source_time), r.status) for r in (s, c)]
        for s, c in zip(served[state], served[count], strict=True)
    ]
    assert written == expected
    assert [line["server_timestamp"] for line in lines] == [
        utc_iso(start + i * step) for i in range(4)
    ]
    other = [json.loads(x) for x in (spool / "SMELTER-02.jsonl").read_bytes().splitlines()]
    assert len(other) == 4
    assert {(r["value"], r["status_code"]) for line in other for r in line["nodes"]} == {
        (None, nodes.BAD)
    }
    assert {s: first.reads[s] + then.reads[s] for s in nodes.STATUS_NAMES} == {
        nodes.GOOD: 5,
        nodes.STALE: 1,
        nodes.BAD: 2 + 8,
    }
    assert not home.landing.exists()  # the date is not over: its lines wait in the spool


def test_security_settings_reach_asyncua(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple] = []

    async def set_security(self, *args):
        calls.append(args)

    async def no_connect(self):
        calls.append(("connect", self.server_url.geturl(), self._username, self._password))

    monkeypatch.setattr(Client, "set_security", set_security)
    monkeypatch.setattr(Client, "connect", no_connect)
    monkeypatch.setenv("KEY_PW", "key-secret")
    monkeypatch.setenv("USER_PW", "user-secret")
    security = Security("Basic256Sha256", "Sign", "c.der", "k.pem", "KEY_PW", "plc.der")
    endpoint = Endpoint("opc.tcp://plc:4840", {}, security, "capture", "USER_PW")

    asyncio.run(connect(endpoint))

    assert calls == [
        (security_policies.SecurityPolicyBasic256Sha256, "c.der", "k.pem", "key-secret",
         "plc.der", ua.MessageSecurityMode.Sign),
        ("connect", "opc.tcp://plc:4840", "capture", "user-secret"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ({"url": "opc.tcp://x:4840", "machines": ["NOPE-01"]}, "'NOPE-01' is not in the plant"),
        ({"url": "opc.tcp://x:4840", "machines": {"SMELTER-01": {"Speed": "ns=3;i=1"}}},
         "SMELTER-01 has no node Speed"),
        ({"url": "opc.tcp://x:4840", "machines": ["SMELTER-01"],
          "security": {"policy": "Basic256Sha256"}}, "needs certificate and private_key"),
        ({"machines": ["SMELTER-01"]}, "needs a url"),
    ],
)  # fmt: skip
def test_configuration_mistakes_are_named(endpoint: dict, message: str) -> None:
    with pytest.raises(CaptureConfigError, match=message):
        parse_capture_config({"endpoints": [endpoint]}, PLANT, "capture.yaml")


def test_a_node_can_be_read_at_the_plcs_own_address_and_written_under_the_contract_id() -> None:
    raw = {"url": "opc.tcp://x:4840", "machines": {"SMELTER-01": {"TotalCount": 'ns=3;s="DB10"'}}}
    config = parse_capture_config({"endpoints": [raw]}, PLANT, "capture.yaml")
    assert config.endpoints[0].machines["SMELTER-01"] == {
        nodes.node_id("SMELTER-01", "State"): nodes.node_id("SMELTER-01", "State"),
        nodes.node_id("SMELTER-01", "TotalCount"): 'ns=3;s="DB10"',
    }


def test_a_signed_and_encrypted_endpoint_is_read_with_the_configured_certificates(
    tmp_path: Path,
) -> None:
    url = f"opc.tcp://127.0.0.1:{free_port()}/secured/"
    client_uri = "urn:shopfloor:capture-test"

    async def scenario() -> tuple[int, int, str]:
        server_use, client_use = ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH
        for name, uri, use in (("plc", "urn:shopfloor:test-plc", server_use),
                               ("capture", client_uri, client_use)):  # fmt: skip
            await setup_self_signed_certificate(
                tmp_path / f"{name}-key.pem", tmp_path / f"{name}.der", uri, "127.0.0.1", [use],
                {"commonName": name},
            )  # fmt: skip
        server = Server()
        await server.init()
        await server.set_application_uri("urn:shopfloor:test-plc")
        server.set_endpoint(url)
        server.set_security_policy([ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt])
        await server.load_certificate(str(tmp_path / "plc.der"))
        await server.load_private_key(str(tmp_path / "plc-key.pem"))
        security = Security("Basic256Sha256", "SignAndEncrypt", str(tmp_path / "capture.der"),
                            str(tmp_path / "capture-key.pem"), None, str(tmp_path / "plc.der"),
                            client_uri)  # fmt: skip
        async with server:
            client = await connect(Endpoint(url, {}, security))
            try:
                state = await client.get_node(
                    ua.NodeId(ua.ObjectIds.Server_ServerStatus_State)
                ).read_value()
                mode = client.security_policy.Mode
            finally:
                await client.disconnect()
            with pytest.raises(ua.UaError, match="No matching endpoints"):
                await connect(Endpoint(url, {}))  # no security: the server offers none
        return mode, state, client.application_uri

    mode, state, uri = asyncio.run(scenario())
    assert (mode, state, uri) == (
        ua.MessageSecurityMode.SignAndEncrypt,
        ua.ServerState.Running,
        client_uri,
    )
