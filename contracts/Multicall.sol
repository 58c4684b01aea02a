// SPDX-License-Identifier: MIT
// A Multicall3-compatible batcher: the two entry points the balance reader uses,
// with Multicall3's exact signatures and ABI, so the reader works the same against
// the canonical deployment (0xcA11bde05977b3631167028862bE2a173976CA11) and this one.
pragma solidity 0.8.37;

contract Multicall {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory results) {
        uint256 n = calls.length;
        results = new Result[](n);
        for (uint256 i = 0; i < n; i++) {
            Call3 calldata c = calls[i];
            (bool ok, bytes memory data) = c.target.call(c.callData);
            require(ok || c.allowFailure, "Multicall3: call failed");
            results[i] = Result(ok, data);
        }
    }

    function getEthBalance(address addr) external view returns (uint256) {
        return addr.balance;
    }

    function getBlockNumber() external view returns (uint256) {
        return block.number;
    }
}
