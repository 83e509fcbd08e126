"""Recognise a compressed or archived file by its first bytes, whatever its name says.

Why: a plant that starts gzipping its exports sends `x.csv` (or `x.csv.gz`) full of binary; read
as text, every line would be "invalid UTF-8" and the cause never named. Bronze reads plain text
only, so such a file is quarantined whole with a reason that says what it is and what to do:
decompressing on the fly would hide a change of the delivery contract (and invites a
decompression bomb), while the fix on the sender's side is one setting.
"""

from __future__ import annotations

# leading bytes -> what the file is; only signatures holding a non-text byte, so that no plain
# text file can be taken for one (https://en.wikipedia.org/wiki/List_of_file_signatures)
SIGNATURES: dict[bytes, str] = {
    b"\x1f\x8b": "gzip-compressed",
    b"PK\x03\x04": "zip archive",
    b"\xfd7zXZ\x00": "xz-compressed",
    b"\x28\xb5\x2f\xfd": "zstd-compressed",
    b"7z\xbc\xaf\x27\x1c": "7-zip archive",
}


def compressed_reason(data: bytes) -> str | None:
    """The quarantine reason for a compressed or archived file, or None when it is not one."""
    magic = next((m for m in SIGNATURES if data.startswith(m)), None)
    if magic is None:
        return None
    kind = SIGNATURES[magic]
    return (
        f"{kind} file (starts with bytes {magic.hex(' ')}): bronze reads plain UTF-8 text only; "
        "deliver it uncompressed under its source's file name"
    )
