// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.20;

/// The bank (adjudicator) of one payment channel, PROTOCOL.md §3, as chain/embedded/ledger.cpp
/// implements it: the same rules, the same check order (so the same named error for the same
/// call), the same events in the same order. One contract per channel: the bank's address in
/// every signed message is address(this).
///
/// Money. Where the ledger pays a client (event Payout) this contract *credits* it; the ether
/// leaves when that client calls collect(to). So a client whose address refuses ether blocks
/// nobody but itself (pull payments). Invariant: once Closed, credited == deposited; always
/// collected <= credited <= deposited.
///
/// Amounts and times are uint64 in the protocol (PROTOCOL.md §1); they travel as uint256 in the
/// signed hashes and the ABI, and sums that leave uint64 fail with AmountOverflow / TimeOverflow
/// exactly where the C++ ledger's checked arithmetic fails.
contract VirtualBank {
    // Named like chain::error (CamelCase here, snake_case there); see chain/evm/bank_revert.cpp.
    error NotAClient();
    error WrongState();
    error InvalidAddress();
    error DuplicateAddress();
    error ZeroAmount();
    error ZeroMinFreezeTime();
    error AmountOverflow();
    error TimeOverflow();
    error AlreadyDeposited();
    error WrongDepositAmount();
    error FundingTimeoutNotReached();
    error BankMismatch();
    error TooManyHtlcs();
    error BalancesDoNotAddUp();
    error FreezeTimeTooShort();
    error InvalidSignature();
    error WrongSigner();
    error HtlcIndexOutOfRange();
    error HtlcAlreadyResolved();
    error TimeLockExpired();
    error WrongPreimage();
    error FreezeOver();
    error FreezeNotOver();
    error NothingToWithdraw();
    // EVM only (no ledger counterpart): a C++ party has two values; collect() is not in the ledger.
    error InvalidHtlcOfferer();
    error NothingToCollect();
    error CollectFailed();

    enum State { Funding, Running, Auditing, Closed }
    enum Outcome { Pending, Claimed, Refunded, Seized }

    /// An HTLC as it is signed (PROTOCOL.md §4): the offerer pays `amount` to the other client
    /// against the sha256 preimage of hashLock before timeLock (absolute chain seconds); after
    /// that it refunds.
    struct Htlc {
        uint8 offerer;
        uint256 amount;
        bytes32 hashLock;
        uint256 timeLock;
    }

    /// A commitment (PROTOCOL.md §4) as cash() takes it. The submitter is the caller.
    struct Commitment {
        address bank;
        uint32 sequence;
        uint256 base0;
        uint256 base1;
        address revocationLock;
        uint256 freezeTime;
        Htlc[] htlcs;
    }

    // Two storage slots per HTLC.
    struct StoredHtlc {
        bytes32 hashLock;
        uint64 amount;
        uint64 timeLock;
        uint8 offerer;
        Outcome outcome;
        bool paid;  // its value was credited
    }

    /// Everything chain::bank_view holds but the HTLCs (see htlcs()), in one call.
    struct Info {
        State state;
        address client0;
        address client1;
        uint64 deposit0;
        uint64 deposit1;
        bool deposited0;
        bool deposited1;
        uint64 minFreezeTime;
        uint64 fundingDeadline;
        uint64 paidOut0;
        uint64 paidOut1;
        bool cashed;
        uint8 submitter;
        uint32 sequence;
        uint64 base0;
        uint64 base1;
        address revocationLock;
        bytes32 commitmentHash;
        uint64 freezeEnd;
        uint64 bond;
        bool bondPaid;
        uint256 htlcCount;
        uint64 collected0;
        uint64 collected1;
    }

    struct HtlcView {
        uint8 offerer;
        uint64 amount;
        bytes32 hashLock;
        uint64 timeLock;
        Outcome outcome;
        bool paid;
    }

    // The most HTLCs one commitment may carry: chain::max_htlcs_per_commitment.
    uint256 public constant MAX_HTLCS = 966;
    uint256 private constant U64 = type(uint64).max;
    // secp256k1 n / 2: signatures with a larger s are malleable copies and rejected (EIP-2).
    uint256 private constant HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    address[2] private clients_;
    uint64[2] private deposits_;
    bool[2] private deposited_;
    uint64 private minFreezeTime_;
    uint64 private fundingDeadline_;
    State private state_;

    // Set by cash().
    bool private cashed_;
    uint8 private submitter_;
    uint32 private sequence_;
    bool private bondPaid_;
    uint64 private freezeEnd_;
    uint64 private bond_;
    uint64[2] private base_;
    address private revocationLock_;
    bytes32 private commitmentHash_;
    StoredHtlc[] private htlcs_;
    // HTLCs not yet paid and their total: O(1) settlement and conservation checks.
    uint256 private unpaidCount_;
    uint64 private unpaidTotal_;

    // Pull payments: paidOut is what the ledger would have paid (credited), collected what left.
    uint64[2] private paidOut_;
    uint64[2] private collected_;

    event VirtualBankCreated(address client0, address client1, uint256 deposit0, uint256 deposit1,
                             uint256 minFreezeTime, uint256 fundingDeadline);
    event Deposit(uint8 client, uint256 value);
    event VirtualBankRunning();
    event FundingCancelled();
    event CommitmentRSMC(uint8 submitter, uint32 sequence, bytes32 commitmentHash);
    event CommitmentHTLC(uint8 submitter, uint32 sequence, uint32 htlcCount, bytes32 commitmentHash);
    event FreezeFidelityBond(uint8 submitter, uint256 bond, uint256 freezeEnd);
    event RevocationLockOpen(uint32 sequence);
    event HashLockOpened(uint32 index, uint8 receiver, bytes32 preimage);
    event TimeLockExpire(uint32 index, uint8 offerer);
    event Withdraw();
    event CooperativeClose(uint256 balance0, uint256 balance1);
    event Payout(uint8 to, uint256 value);
    event VirtualBankClosed();
    // EVM only: credited ether leaving the contract.
    event Collected(uint8 client, address to, uint256 value);

    /// create(): anyone may deploy a bank. fundingTimeout counts from this block's time.
    constructor(address[2] memory clients, uint64[2] memory deposits, uint64 minFreezeTime,
                uint64 fundingTimeout) {
        if (clients[0] == address(0) || clients[1] == address(0)) revert InvalidAddress();
        if (clients[0] == clients[1]) revert DuplicateAddress();
        if (deposits[0] == 0 || deposits[1] == 0) revert ZeroAmount();
        if (uint256(deposits[0]) + deposits[1] > U64) revert AmountOverflow();
        if (minFreezeTime == 0) revert ZeroMinFreezeTime();
        if (block.timestamp + fundingTimeout > U64) revert TimeOverflow();
        clients_ = clients;
        deposits_ = deposits;
        minFreezeTime_ = minFreezeTime;
        fundingDeadline_ = uint64(block.timestamp + fundingTimeout);
        emit VirtualBankCreated(clients[0], clients[1], deposits[0], deposits[1], minFreezeTime, fundingDeadline_);
    }

    // ---------------------------------------------------------------- funding

    function deposit() external payable {
        uint8 p = clientIndex();
        if (state_ != State.Funding) revert WrongState();
        if (deposited_[p]) revert AlreadyDeposited();
        if (msg.value != deposits_[p]) revert WrongDepositAmount();
        deposited_[p] = true;
        emit Deposit(p, msg.value);
        if (deposited_[0] && deposited_[1]) {
            state_ = State.Running;
            emit VirtualBankRunning();
        }
    }

    function cancel() external {
        clientIndex();
        if (state_ != State.Funding) revert WrongState();
        if (block.timestamp < fundingDeadline_) revert FundingTimeoutNotReached();
        emit FundingCancelled();
        state_ = State.Closed;
        for (uint8 p = 0; p < 2; ++p) {
            if (deposited_[p]) pay(p, deposits_[p]);
        }
        emit VirtualBankClosed();
        checkConservation();
    }

    // ---------------------------------------------------------------- unilateral close

    /// The caller submits its own copy of a commitment, signed by the other client (the defender).
    function cash(Commitment calldata c, bytes calldata defenderSig) external {
        uint8 sub = clientIndex();
        if (state_ != State.Running) revert WrongState();
        if (c.bank != address(this)) revert BankMismatch();
        if (c.revocationLock == address(0)) revert InvalidAddress();
        uint256 n = c.htlcs.length;
        if (n > MAX_HTLCS) revert TooManyHtlcs();
        for (uint256 i = 0; i < n; ++i) {
            if (c.htlcs[i].offerer > 1) revert InvalidHtlcOfferer();
        }
        checkTotal(c);
        if (c.freezeTime < minFreezeTime_) revert FreezeTimeTooShort();
        if (c.freezeTime > U64 - block.timestamp) revert TimeOverflow();
        uint8 def = 1 - sub;
        bytes32 hash = commitmentHash(c);
        checkSignature(defenderSig, hash, clients_[def]);

        cashed_ = true;
        submitter_ = sub;
        sequence_ = c.sequence;
        base_ = [uint64(c.base0), uint64(c.base1)];  // each <= the deposits' total: checked above
        revocationLock_ = c.revocationLock;
        commitmentHash_ = hash;
        freezeEnd_ = uint64(block.timestamp + c.freezeTime);
        bond_ = sub == 0 ? uint64(c.base0) : uint64(c.base1);
        unpaidCount_ = n;
        // checkTotal: base0 + base1 + HTLC amounts == deposits, so this is the HTLCs' total.
        unpaidTotal_ = uint64(uint256(deposits_[0]) + deposits_[1] - c.base0 - c.base1);
        for (uint256 i = 0; i < n; ++i) {
            Htlc calldata h = c.htlcs[i];
            htlcs_.push(StoredHtlc({
                hashLock: h.hashLock,
                amount: uint64(h.amount),
                // Past 2^64 - 1 s a lock never expires either way: clamping keeps the meaning.
                timeLock: h.timeLock > U64 ? uint64(U64) : uint64(h.timeLock),
                offerer: h.offerer,
                outcome: Outcome.Pending,
                paid: false
            }));
        }
        state_ = State.Auditing;
        if (n == 0) {
            emit CommitmentRSMC(sub, c.sequence, hash);
        } else {
            emit CommitmentHTLC(sub, c.sequence, uint32(n), hash);
        }
        emit FreezeFidelityBond(sub, bond_, freezeEnd_);
        pay(def, base_[def]);
        checkConservation();
    }

    /// HTLC `index` goes to its receiver against the preimage, before its time lock: to the
    /// defender at once, to the submitter with its bond (at once if the bond was paid already).
    function claimHtlc(uint32 index, bytes32 preimage) external {
        clientIndex();
        if (state_ != State.Auditing) revert WrongState();
        if (index >= htlcs_.length) revert HtlcIndexOutOfRange();
        StoredHtlc storage h = htlcs_[index];
        if (h.outcome != Outcome.Pending) revert HtlcAlreadyResolved();
        if (block.timestamp >= h.timeLock) revert TimeLockExpired();
        if (sha256(abi.encodePacked(preimage)) != h.hashLock) revert WrongPreimage();

        uint8 receiver = 1 - h.offerer;
        h.outcome = Outcome.Claimed;
        emit HashLockOpened(index, receiver, preimage);
        if (receiver != submitter_ || bondPaid_) {
            markPaid(h);
            pay(receiver, h.amount);
            closeIfSettled();
        }
        checkConservation();
    }

    /// The cashed commitment was revoked: its revocation lock signed (bank, sequence). The
    /// defender takes the bond and every HTLC not yet paid.
    function punish(bytes calldata revocationSig) external {
        clientIndex();
        if (state_ != State.Auditing) revert WrongState();
        if (block.timestamp >= freezeEnd_) revert FreezeOver();
        checkSignature(revocationSig, keccak256(abi.encodePacked(address(this), sequence_)), revocationLock_);

        uint256 seized = bond_;
        bondPaid_ = true;
        uint256 n = htlcs_.length;
        for (uint256 i = 0; i < n; ++i) {
            StoredHtlc storage h = htlcs_[i];
            if (h.paid) continue;
            seized += h.amount;
            h.outcome = Outcome.Seized;
            markPaid(h);
        }
        emit RevocationLockOpen(sequence_);
        state_ = State.Closed;
        pay(1 - submitter_, seized);
        emit VirtualBankClosed();
        checkConservation();
    }

    /// After the freeze: expired HTLCs refund their offerers, everything resolved and unpaid is
    /// paid, and the submitter takes its bond. Closes the bank once nothing is pending.
    function withdraw() external {
        clientIndex();
        if (state_ != State.Auditing) revert WrongState();
        if (block.timestamp < freezeEnd_) revert FreezeNotOver();
        uint256 n = htlcs_.length;
        bool anyExpired = false;
        for (uint256 i = 0; i < n && !anyExpired; ++i) {
            anyExpired = htlcs_[i].outcome == Outcome.Pending && block.timestamp >= htlcs_[i].timeLock;
        }
        if (bondPaid_ && !anyExpired) revert NothingToWithdraw();

        emit Withdraw();
        uint8 sub = submitter_;
        uint256[2] memory to;
        for (uint256 i = 0; i < n; ++i) {
            StoredHtlc storage h = htlcs_[i];
            if (h.outcome == Outcome.Pending && block.timestamp >= h.timeLock) {
                h.outcome = Outcome.Refunded;
                emit TimeLockExpire(uint32(i), h.offerer);
            }
            if (h.outcome != Outcome.Pending && !h.paid) {
                uint8 receiver = h.outcome == Outcome.Refunded ? h.offerer : 1 - h.offerer;
                to[receiver] += h.amount;
                markPaid(h);
            }
        }
        if (!bondPaid_) {
            to[sub] += bond_;
            bondPaid_ = true;
        }
        pay(1 - sub, to[1 - sub]);
        pay(sub, to[sub]);
        closeIfSettled();
        checkConservation();
    }

    // ---------------------------------------------------------------- cooperative close

    function close(uint256 balance0, uint256 balance1, bytes calldata sig0, bytes calldata sig1) external {
        clientIndex();
        if (state_ != State.Running) revert WrongState();
        if (balance0 > U64 || balance1 > U64 - balance0) revert AmountOverflow();
        if (balance0 + balance1 != uint256(deposits_[0]) + deposits_[1]) revert BalancesDoNotAddUp();
        bytes32 msgHash = keccak256(abi.encodePacked(address(this), "close", balance0, balance1));
        checkSignature(sig0, msgHash, clients_[0]);
        checkSignature(sig1, msgHash, clients_[1]);

        emit CooperativeClose(balance0, balance1);
        state_ = State.Closed;
        pay(0, balance0);
        pay(1, balance1);
        emit VirtualBankClosed();
        checkConservation();
    }

    // ---------------------------------------------------------------- pull payments

    /// Sends everything credited to the calling client and not yet collected to `to` (a client
    /// whose own address cannot receive ether names another one). Only the caller's credit moves.
    function collect(address payable to) external {
        uint8 p = clientIndex();
        if (to == address(0)) revert InvalidAddress();
        uint64 value = paidOut_[p] - collected_[p];
        if (value == 0) revert NothingToCollect();
        collected_[p] = paidOut_[p];
        emit Collected(p, to, value);
        (bool ok, ) = to.call{value: value}("");
        if (!ok) revert CollectFailed();  // the whole call reverts: the credit stays
    }

    // ---------------------------------------------------------------- views

    function info() external view returns (Info memory i) {
        i.state = state_;
        i.client0 = clients_[0];
        i.client1 = clients_[1];
        i.deposit0 = deposits_[0];
        i.deposit1 = deposits_[1];
        i.deposited0 = deposited_[0];
        i.deposited1 = deposited_[1];
        i.minFreezeTime = minFreezeTime_;
        i.fundingDeadline = fundingDeadline_;
        i.paidOut0 = paidOut_[0];
        i.paidOut1 = paidOut_[1];
        i.cashed = cashed_;
        i.submitter = submitter_;
        i.sequence = sequence_;
        i.base0 = base_[0];
        i.base1 = base_[1];
        i.revocationLock = revocationLock_;
        i.commitmentHash = commitmentHash_;
        i.freezeEnd = freezeEnd_;
        i.bond = bond_;
        i.bondPaid = bondPaid_;
        i.htlcCount = htlcs_.length;
        i.collected0 = collected_[0];
        i.collected1 = collected_[1];
    }

    /// HTLCs [from, from + count) of the cashed commitment (fewer at the end).
    function htlcs(uint256 from, uint256 count) external view returns (HtlcView[] memory out) {
        uint256 n = htlcs_.length;
        uint256 end = from >= n ? from : (count > n - from ? n : from + count);
        out = new HtlcView[](end - from);
        for (uint256 i = from; i < end; ++i) {
            StoredHtlc storage h = htlcs_[i];
            out[i - from] = HtlcView(h.offerer, h.amount, h.hashLock, h.timeLock, h.outcome, h.paid);
        }
    }

    // ---------------------------------------------------------------- internals

    function clientIndex() private view returns (uint8) {
        if (msg.sender == clients_[0]) return 0;
        if (msg.sender == clients_[1]) return 1;
        revert NotAClient();
    }

    // The ledger's pay(): credit, and a Payout event (never for 0).
    function pay(uint256 p, uint256 value) private {
        if (value == 0) return;
        paidOut_[p] += uint64(value);  // bounded by the deposits' total, which fits in uint64
        emit Payout(uint8(p), value);
    }

    function markPaid(StoredHtlc storage h) private {
        h.paid = true;
        --unpaidCount_;
        unpaidTotal_ -= h.amount;
    }

    function closeIfSettled() private {
        if (!bondPaid_ || unpaidCount_ != 0) return;
        state_ = State.Closed;
        emit VirtualBankClosed();
    }

    // PROTOCOL.md §3's invariant, checked after every settling call: credited + still held ==
    // deposited, and a closed bank holds nothing. A failure is a bug: Panic(0x01).
    function checkConservation() private view {
        uint256 held = 0;
        if (state_ == State.Auditing) held = (bondPaid_ ? 0 : uint256(bond_)) + unpaidTotal_;
        if (state_ == State.Closed) assert(unpaidCount_ == 0 && unpaidTotal_ == 0 && bondPaid_ == cashed_);
        uint256 deposited = (deposited_[0] ? deposits_[0] : 0) + (deposited_[1] ? deposits_[1] : 0);
        assert(uint256(paidOut_[0]) + paidOut_[1] + held == deposited);
        // >=: anyone can force ether in (selfdestruct, coinbase); that must not brick the bank.
        assert(address(this).balance + collected_[0] + collected_[1] >= deposited);
    }

    // base0 + base1 + sum(htlc amounts) in uint64 with the ledger's overflow rule, == deposits.
    function checkTotal(Commitment calldata c) private view {
        uint256 total = addU64(0, c.base0);
        total = addU64(total, c.base1);
        uint256 n = c.htlcs.length;
        for (uint256 i = 0; i < n; ++i) total = addU64(total, c.htlcs[i].amount);
        if (total != uint256(deposits_[0]) + deposits_[1]) revert BalancesDoNotAddUp();
    }

    function addU64(uint256 sum, uint256 part) private pure returns (uint256) {
        if (part > U64 - sum) revert AmountOverflow();
        return sum + part;
    }

    // PROTOCOL.md §4: the RSMC form without htlcsHash, the HTLC form with it.
    function commitmentHash(Commitment calldata c) private pure returns (bytes32) {
        if (c.htlcs.length == 0) {
            return keccak256(abi.encodePacked(c.bank, c.sequence, c.base0, c.base1, c.revocationLock, c.freezeTime));
        }
        return keccak256(abi.encodePacked(c.bank, c.sequence, c.base0, c.base1, c.revocationLock, c.freezeTime,
                                          htlcsHash(c.htlcs)));
    }

    // keccak256(abi.encodePacked(for each: uint8 offerer, uint256 amount, bytes32 hashLock, uint256 timeLock)).
    function htlcsHash(Htlc[] calldata hs) private pure returns (bytes32 out) {
        uint256 n = hs.length;
        bytes memory buf = new bytes(n * 97);
        for (uint256 i = 0; i < n; ++i) {
            uint8 offerer = hs[i].offerer;
            uint256 amount = hs[i].amount;
            bytes32 hashLock = hs[i].hashLock;
            uint256 timeLock = hs[i].timeLock;
            assembly {
                let p := add(add(buf, 32), mul(i, 97))
                mstore8(p, offerer)
                mstore(add(p, 1), amount)
                mstore(add(p, 33), hashLock)
                mstore(add(p, 65), timeLock)
            }
        }
        out = keccak256(buf);
    }

    // ecrecover over the EIP-191 digest as crypto::recover_eip191 does it: malformed, high-s,
    // bad-v or unrecoverable -> InvalidSignature; someone else's -> WrongSigner.
    function checkSignature(bytes calldata sig, bytes32 msgHash, address expected) private pure {
        if (sig.length != 65) revert InvalidSignature();
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        if (v != 27 && v != 28) revert InvalidSignature();
        if (uint256(r) == 0 || uint256(s) == 0 || uint256(s) > HALF_N) revert InvalidSignature();
        bytes32 digest = keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", msgHash));
        address signer = ecrecover(digest, v, r, s);  // 0 when r >= n or nothing recovers
        if (signer == address(0)) revert InvalidSignature();
        if (signer != expected) revert WrongSigner();
    }
}
