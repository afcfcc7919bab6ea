// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.20;

import "../VirtualBank.sol";

/// Test-only golden source for chain/evm/abi.cpp: returns the calldata the Solidity compiler itself
/// encodes for VirtualBank's calls, from values derived from a seed (w(seed, k) below), so the C++
/// test derives the same values, encodes them itself, and compares byte for byte.
contract AbiProbe {
    function w(uint256 seed, uint256 k) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, k)));
    }

    // len bytes: byte j is byte (j % 32) of w(seed, k + j / 32).
    function blob(uint256 seed, uint256 k, uint256 len) public pure returns (bytes memory out) {
        out = new bytes(len);
        for (uint256 j = 0; j < len; ++j) out[j] = bytes32(w(seed, k + j / 32))[j % 32];
    }

    // Numbers are w(...) & mask (all ones: full width; 2^64 - 1: what C++ amounts and times hold),
    // offerers w(...) % offererMod (256: any uint8; 2: a party).
    function htlcs(uint256 seed, uint256 n, uint256 mask, uint256 offererMod) public pure
        returns (VirtualBank.Htlc[] memory hs) {
        hs = new VirtualBank.Htlc[](n);
        for (uint256 i = 0; i < n; ++i) {
            hs[i] = VirtualBank.Htlc({
                offerer: uint8(w(seed, 10 + 4 * i) % offererMod),
                amount: w(seed, 11 + 4 * i) & mask,
                hashLock: bytes32(w(seed, 12 + 4 * i)),
                timeLock: w(seed, 13 + 4 * i) & mask
            });
        }
    }

    function cashCalldata(uint256 seed, uint256 n, uint256 sigLen, uint256 mask, uint256 offererMod)
        external pure returns (bytes memory) {
        VirtualBank.Commitment memory c = VirtualBank.Commitment({
            bank: address(uint160(w(seed, 5))),
            sequence: uint32(w(seed, 0)),
            base0: w(seed, 1) & mask,
            base1: w(seed, 2) & mask,
            revocationLock: address(uint160(w(seed, 3))),
            freezeTime: w(seed, 4) & mask,
            htlcs: htlcs(seed, n, mask, offererMod)
        });
        return abi.encodeWithSelector(VirtualBank.cash.selector, c, blob(seed, 1000, sigLen));
    }

    function closeCalldata(uint256 seed, uint256 len0, uint256 len1, uint256 mask) external pure
        returns (bytes memory) {
        return abi.encodeWithSelector(VirtualBank.close.selector, w(seed, 0) & mask, w(seed, 1) & mask,
                                      blob(seed, 1000, len0),
                                      blob(seed, 2000, len1));
    }

    function punishCalldata(uint256 seed, uint256 len) external pure returns (bytes memory) {
        return abi.encodeWithSelector(VirtualBank.punish.selector, blob(seed, 1000, len));
    }

    function claimHtlcCalldata(uint256 seed) external pure returns (bytes memory) {
        return abi.encodeWithSelector(VirtualBank.claimHtlc.selector, uint32(w(seed, 0)), bytes32(w(seed, 1)));
    }

    function collectCalldata(uint256 seed) external pure returns (bytes memory) {
        return abi.encodeWithSelector(VirtualBank.collect.selector, payable(address(uint160(w(seed, 0)))));
    }

    function withdrawCalldata() external pure returns (bytes memory) {
        return abi.encodeWithSelector(VirtualBank.withdraw.selector);
    }

    function constructorArgs(uint256 seed) external pure returns (bytes memory) {
        address[2] memory cs = [address(uint160(w(seed, 0))), address(uint160(w(seed, 1)))];
        uint64[2] memory as_ = [uint64(w(seed, 2)), uint64(w(seed, 3))];
        return abi.encode(cs, as_, uint64(w(seed, 4)), uint64(w(seed, 5)));
    }

    // Return data with static and dynamic parts, for the decoder.
    function decodeProbe(uint256 seed, uint256 len) external pure
        returns (uint8 a, uint256 b, bytes32 c, address d, bool e, bytes memory f, uint32 g) {
        return (uint8(w(seed, 0)), w(seed, 1), bytes32(w(seed, 2)), address(uint160(w(seed, 3))),
                w(seed, 4) % 2 == 1, blob(seed, 1000, len), uint32(w(seed, 5)));
    }
}

/// Test-only: an address that refuses ether, to show a refusing receiver blocks nobody else.
contract Refuser {
    receive() external payable {
        revert("refused");
    }
}
