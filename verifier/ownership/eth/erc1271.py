"""Contract wallets (ERC-1271): the contract itself decides whether a signature is
its own, so it is asked, at the snapshot block, and the answer is reported as
"contract says yes" together with the hash of the code that said it."""

from chains.ethereum import hexio
from chains.ethereum.block import check_snapshot
from chains.ethereum.erc1271 import MAGIC_VALUE, is_valid_signature
from chains.jsonrpc import JsonRpcClient
from chains.snapshot import ChainError, Snapshot
from verifier.i18n import N_
from verifier.ownership.eth import eip191
from verifier.ownership.outcome import Rejected, Undecided, Verified


class ContractWallets:
    """Asks contract wallets on one node at one pinned snapshot.

    The snapshot is checked once (the node holds that block hash at that height)
    before the first question; any node fault makes the row inconclusive.
    """

    def __init__(self, client: JsonRpcClient, snapshot: Snapshot) -> None:
        self._client = client
        self._snapshot = snapshot
        self._node_chain: int | None = None

    def verify(
        self, address: str, message: bytes, signature: bytes, chain_id: int | None
    ) -> Verified:
        try:
            node_chain = self._checked_chain()
            if chain_id is not None and chain_id != node_chain:
                # The snapshot is on the node's chain; a proof bound to another
                # chain says nothing about this one.
                raise Rejected(
                    N_(
                        "message binds the proof to chain id {chain_id}, the snapshot's node is on chain id {node_chain}"
                    ).format(chain_id=chain_id, node_chain=node_chain)
                )
            for scheme, digest in eip191.digests(message):
                answer = is_valid_signature(
                    self._client, self._snapshot, address, digest, signature
                )
                if not answer.has_code:
                    raise Rejected(
                        N_(
                            "signature does not recover the address, and the address has no "
                            "code at the snapshot block, so it is no contract wallet"
                        )
                    )
                if answer.valid:
                    return Verified(
                        "ERC-1271",
                        N_("contract says yes to the {scheme} digest (code hash {code})").format(
                            scheme=scheme, code=answer.code_hash
                        ),
                        {"code_hash": answer.code_hash, "block_hash": answer.block_hash},
                    )
        except ChainError as e:
            raise Undecided(N_("could not ask the contract: {e}").format(e=e)) from None
        raise Rejected(
            N_(
                "contract says no: isValidSignature did not return {magic} (code hash {code})"
            ).format(magic=f"0x{MAGIC_VALUE.hex()}", code=answer.code_hash)
        )

    def _checked_chain(self) -> int:
        if self._node_chain is None:
            chain = hexio.quantity(self._client.call("eth_chainId", []), "eth_chainId")
            check_snapshot(self._client, self._snapshot, chain_id=chain, confirmations=1)
            self._node_chain = chain
        return self._node_chain
