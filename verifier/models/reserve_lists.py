"""Reserve address lists as exchanges publish them, one model per format.

Both vendors publish a CSV of two tables: a summary block (coin, snapshot height,
total), a blank line, then one row per address. The row models below are those
address tables with their columns as the vendors spell them:

- `okx-csv` (okx/proof-of-reserves, example/okx_por_example.csv and
  okx_por_staking_example.csv): `coin,Network,Snapshot Height,address,amount,message,
  signature1,signature2,redeem script/ public key, eoa1, eoa2`; the staking file adds
  `Type` after `coin`, writes `EOA1`/`EOA2` and `redeem script/public key`. A row whose
  eoa1 (and eoa2) is set was signed by those owner keys, one signature each (OKX's
  multisig contract wallets and staking validators), not by the address itself.
- `htx-csv` (huobiapi/Tool-Node.js-VerifyAddress, snapshot/huobi_por.csv, with a
  UTF-8 byte-order mark): `coin,address,snapshot height,balance,message,signature`;
  the coin names asset and network together (`USDT-TRC20`, `HT-ETH`, `BTC`), and `-`
  stands for "none" in every column (an unsigned row, an address with no balance).

Each row becomes a `ReserveRow`, what a row means whatever its vendor: the checks
(`verifier/ownership/lists.py`, `verifier/reserves/`) read only that.
"""

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field

from verifier.models.ownership import Chain

# What the vendors write in a cell that has no value.
_NONE = ("", "-", "null")
_HEIGHT = re.compile(r"[0-9]{1,20}")
_AMOUNT = re.compile(r"[0-9]{1,80}(\.[0-9]{1,80})?")


def _text(value: object) -> object:
    """A cell without its spaces (OKX writes ` 5.2834`); a vendor's "none" is ""."""
    if isinstance(value, str):
        value = value.strip()
        return "" if value in _NONE else value
    return value


def _height(value: object) -> object:
    value = _text(value)
    if value == "":
        return None
    if not isinstance(value, str) or not _HEIGHT.fullmatch(value):
        raise ValueError(f"{str(value)[:40]!r} is not a block height (digits, or '-')")
    return int(value)


def _amount(value: object) -> object:
    value = _text(value)
    if value == "":
        return None
    if not isinstance(value, str) or not _AMOUNT.fullmatch(value):
        raise ValueError(f"{str(value)[:40]!r} is not a plain decimal amount (or '-')")
    return value


def _required(value: object) -> object:
    value = _text(value)
    if value == "":
        raise ValueError("is empty")
    return value


Cell = Annotated[str, BeforeValidator(_text)]
Required = Annotated[str, BeforeValidator(_required)]
Height = Annotated[int | None, BeforeValidator(_height)]
# Decimal text exactly as published; turned into base units once the chain's decimals
# are known (`verifier/models/amounts.parse_units`).
Amount = Annotated[str | None, BeforeValidator(_amount)]


@dataclass(frozen=True)
class ReserveRow:
    """One address of a published list, whatever the vendor's columns were."""

    line: int  # the file's line, as every result names the row
    coin: str  # as published: `USDT-TRC20`, `ETH`
    asset: str  # the coin without its network: `USDT`, `ETH`
    network: str  # the vendor's name of the chain: `ETH`, `TRC20`, `Avalanche C-Chain`
    height: int | None  # the snapshot height the balance is claimed at; None: not given
    address: str
    amount: str | None  # the claimed balance, decimal text; None: not given
    message: str
    signatures: tuple[str, ...]  # every signature the row carries, in column order
    script_or_key: str = ""  # OKX: a P2SH redeem script or a public key, hex
    signers: tuple[str, ...] = ()  # OKX: the owner keys that signed instead of the address
    kind: str = ""  # OKX staking: `Non Staking`, `Native ETH Staking`, ...


@dataclass(frozen=True)
class Network:
    """What a vendor's network name means here."""

    signer: Chain | None  # how its signatures are checked; None: not by this verifier
    # Where its balances are: `bitcoin` (the network named on the command line),
    # `evm:<registry name>`, or the chain's own name when no adapter here reads it.
    chain: str


_EVM: Chain = "ethereum"
# The networks the vendors' lists and verifiers name (OKX's Network column and coin
# suffixes, common/coin.go; HTX's coin suffixes, src/utils/constants.js), upper case.
NETWORKS: dict[str, Network] = {
    "BTC": Network("bitcoin", "bitcoin"),
    "ETH": Network(_EVM, "evm:ethereum"),
    "ERC20": Network(_EVM, "evm:ethereum"),
    "ARBITRUM": Network(_EVM, "evm:arbitrum"),
    "OPTIMISM": Network(_EVM, "evm:optimism"),
    "POLY": Network(_EVM, "evm:polygon"),
    "POLYGON": Network(_EVM, "evm:polygon"),
    "AVAXC": Network(_EVM, "evm:avalanche"),
    "AVALANCHE C-CHAIN": Network(_EVM, "evm:avalanche"),
    "BSC": Network(_EVM, "evm:bsc"),
    "BASE": Network(_EVM, "evm:base"),
    "HECO": Network(_EVM, "heco"),
    "BTTC": Network(_EVM, "bttc"),
    "TRX": Network("tron", "tron"),
    "TRON": Network("tron", "tron"),
    "TRC20": Network("tron", "tron"),
    "SOL": Network("solana", "solana"),
    "SPL": Network("solana", "solana"),
    "APTOS": Network("aptos", "aptos"),
    "APT": Network("aptos", "aptos"),
    "DOGE": Network("dogecoin", "dogecoin"),
    "LTC": Network("litecoin", "litecoin"),
    "TON": Network("ton", "ton"),
    "XRP": Network(None, "xrp"),
    "ALGO": Network(None, "algorand"),
}


def network_of(row: ReserveRow) -> Network | None:
    """The row's network, None when this verifier does not know the vendor's name."""
    return NETWORKS.get(row.network.upper())


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=False)


class OkxRow(_Row):
    """A row of OKX's address table (the main file and the staking file)."""

    coin: Required
    kind: Cell = Field("", alias="Type")
    network: Required = Field(alias="Network")
    height: Height = Field(alias="Snapshot Height")
    address: Required
    amount: Amount
    message: Cell = ""
    signature1: Cell = ""
    signature2: Cell = ""
    script_or_key: Cell = Field(
        "", validation_alias=AliasChoices("redeem script/ public key", "redeem script/public key")
    )
    eoa1: Cell = Field("", validation_alias=AliasChoices("eoa1", "EOA1"))
    eoa2: Cell = Field("", validation_alias=AliasChoices("eoa2", "EOA2"))

    def row(self, line: int) -> ReserveRow:
        return ReserveRow(
            line=line,
            coin=self.coin,
            # OKX names the asset first: `USDT-ERC20`, `ETH-ARBITRUM`, `USDT-TON`.
            asset=self.coin.split("-")[0],
            network=self.network,
            height=self.height,
            address=self.address,
            amount=self.amount,
            message=self.message,
            signatures=tuple(s for s in (self.signature1, self.signature2) if s),
            script_or_key=self.script_or_key,
            signers=tuple(s for s in (self.eoa1, self.eoa2) if s),
            kind=self.kind,
        )


class HtxRow(_Row):
    """A row of HTX's address table."""

    coin: Required
    address: Required
    height: Height = Field(alias="snapshot height")
    balance: Amount
    message: Cell = ""
    signature: Cell = ""

    def row(self, line: int) -> ReserveRow:
        # HTX writes the asset, then the network after the first '-' (`USDT-Avalanche
        # C-Chain`); a coin with none is its own chain's coin (`BTC`, `ETH`, `TRX`).
        asset, _, network = self.coin.partition("-")
        return ReserveRow(
            line=line,
            coin=self.coin,
            asset=asset,
            network=network or asset,
            height=self.height,
            address=self.address,
            amount=self.balance,
            message=self.message,
            signatures=(self.signature,) if self.signature else (),
        )
