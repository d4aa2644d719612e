"""Large bodies stream through the gateway both ways while its memory stays flat."""

import time
import zlib

import pytest

from tests.gateway.fake_upstream import CHUNK, PATTERN

SIZE = 200 * 1024 * 1024
# Headroom over the gateway's resident size before the transfer; the body is 200 MiB.
RSS_BUDGET = 48 * 1024 * 1024


def peak_rss(pid: int) -> int:
    """VmHWM: the most memory the process ever had resident, in bytes."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    pytest.skip("no /proc on this system")


def body(size: int):
    left = size
    while left > 0:
        piece = PATTERN[:min(CHUNK, left)]
        left -= len(piece)
        yield piece


def test_a_200_mib_upload_streams_through_with_bounded_memory(gw, stack):
    before = peak_rss(stack.gateway.pid)
    expected_crc = 0
    for piece in body(SIZE):
        expected_crc = zlib.crc32(piece, expected_crc)
    response = gw.put("/documenten/api/v1/bestandsdelen/upload", content=body(SIZE),
                      headers={**stack.demo.headers(), "Content-Length": str(SIZE),
                               "Content-Type": "application/octet-stream"})
    assert response.status_code == 200, response.text
    echo = response.json()
    assert echo["body_bytes"] == SIZE
    assert echo["body_crc32"] == expected_crc
    assert echo["headers"]["content-length"] == [str(SIZE)]
    assert peak_rss(stack.gateway.pid) - before < RSS_BUDGET


def test_a_200_mib_download_streams_through_with_bounded_memory(gw, stack):
    before = peak_rss(stack.gateway.pid)
    received = 0
    crc = 0
    with gw.stream("GET", "/documenten/api/v1/enkelvoudiginformatieobjecten/1/groot",
                   params={"bytes": SIZE}, headers=stack.demo.headers()) as response:
        assert response.status_code == 200
        assert response.headers["content-length"] == str(SIZE)
        for chunk in response.iter_raw():
            if not received:
                # A slow reader: without back-pressure the gateway would now take in the whole body.
                time.sleep(1)
            received += len(chunk)
            crc = zlib.crc32(chunk, crc)
    assert received == SIZE
    expected_crc = 0
    for piece in body(SIZE):
        expected_crc = zlib.crc32(piece, expected_crc)
    assert crc == expected_crc
    assert peak_rss(stack.gateway.pid) - before < RSS_BUDGET
