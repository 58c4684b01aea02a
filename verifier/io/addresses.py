"""Address lists: one address per line, checked before any node is asked."""

from dataclasses import dataclass
from pathlib import Path

from eth_utils import is_checksum_address, is_hex_address, to_checksum_address

from chains.addresses import normalize
from verifier.errors import InputError
from verifier.io.files import read_text


@dataclass(frozen=True)
class AddressList:
    source: str  # the file, for error messages
    addresses: list[str]
    lines: list[int]  # the line each address came from

    def where(self, index: int) -> str:
        return f"line {self.lines[index]}"


def read_address_file(path: Path, chain: str) -> AddressList:
    """Blank lines and lines starting with '#' are skipped; a repeated address is an
    error (it would be counted twice in a total). Ethereum addresses are checked
    (EIP-55 checksum when mixed-case) and written checksummed."""
    text = read_text(path)
    addresses: list[str] = []
    lines: list[int] = []
    first_seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        item = raw.strip()
        if not item or item.startswith("#"):
            continue
        if chain == "ethereum":
            item = _ethereum(item, str(path), number)
        key = normalize(item)
        if key in first_seen:
            raise InputError(
                str(path), f"line {number}", f"{item} is already listed on line {first_seen[key]}"
            )
        first_seen[key] = number
        addresses.append(item)
        lines.append(number)
    if not addresses:
        raise InputError(str(path), None, "no addresses in the file")
    return AddressList(str(path), addresses, lines)


def _ethereum(item: str, source: str, number: int) -> str:
    if not is_hex_address(item) or not item.startswith("0x"):
        raise InputError(source, f"line {number}", f"{item!r} is not a 0x-prefixed hex address")
    mixed = item[2:] != item[2:].lower() and item[2:] != item[2:].upper()
    if mixed and not is_checksum_address(item):
        raise InputError(source, f"line {number}", f"{item} fails its EIP-55 checksum")
    return str(to_checksum_address(item))
