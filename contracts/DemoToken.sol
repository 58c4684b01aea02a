// SPDX-License-Identifier: MIT
// A minimal ERC-20 for the tests and benchmarks. `balanceOf` is the mapping in
// storage slot 0, so a balance's storage key is keccak256(pad32(holder) ++ pad32(0)),
// which is what the --proofs mode checks against the storage root.
pragma solidity 0.8.37;

contract DemoToken {
    mapping(address => uint256) public balanceOf; // slot 0
    mapping(address => mapping(address => uint256)) public allowance; // slot 1
    uint256 public totalSupply; // slot 2
    address public immutable minter;
    string public constant name = "Demo Token (test only)";
    string public constant symbol = "DEMO";
    uint8 public constant decimals = 6;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor() {
        minter = msg.sender;
    }

    function mintBatch(address[] calldata to, uint256[] calldata amounts) external {
        require(msg.sender == minter, "only the minter");
        require(to.length == amounts.length, "length mismatch");
        uint256 total = 0;
        for (uint256 i = 0; i < to.length; i++) {
            balanceOf[to[i]] += amounts[i];
            total += amounts[i];
            emit Transfer(address(0), to[i], amounts[i]);
        }
        totalSupply += total;
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        allowance[from][msg.sender] -= value;
        _move(from, to, value);
        return true;
    }

    function _move(address from, address to, uint256 value) private {
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
