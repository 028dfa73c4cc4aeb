// SPDX-License-Identifier: Apache-2.0
// NetrShareEnum over the srvsvc pipe in a granted SMB1 session (see smb1_share_list.hpp). As over
// SMB2, each step a server can refuse ends the list with what it said.
#include "probes/smb/smb1_share_list.hpp"

#include "probes/smb/smb_share_list.hpp"
#include "src/proto/smb1/smb1_pipe.hpp"
#include "src/proto/smb1/smb1_tree.hpp"

namespace legacyscan::smb {

namespace asio = boost::asio;

namespace {

// What one TransactNmPipe answer and one READ_ANDX may carry: within the 16 KiB and more that SMB1
// servers take as their buffer size, so that Samba answers in one message.
constexpr std::uint16_t kMaxPipeData = 16384;
// A TRANSACTION answer split over more messages than this is not read on.
constexpr int kMaxTransactionParts = 64;

class Smb1Pipe final : public PipeIo {
 public:
  Smb1Pipe(SmbChannel& ch, std::uint16_t uid, std::uint16_t& mid) : ch_(ch), mid_(mid) { header_.UID = uid; }

  Smb1Header next() {
    Smb1Header h = header_;
    h.MID = mid_++;
    return h;
  }

  asio::awaitable<Outcome> transceive(const Bytes& pdu, Bytes& data) override {
    auto request = encode_smb1_transact_nmpipe_request(next(), fid, pdu, kMaxPipeData);
    if (!request) co_return Outcome::failure(Status::error, request.error);
    Bytes reply;
    Outcome o = co_await ch_.request(*request.value, reply);
    data.clear();
    // A long answer may come in several TRANSACTION responses, each with its displacement.
    for (int part = 0; o.ok(); ++part) {
      auto r = decode_smb1_transaction_response(reply);
      if (!r) co_return Outcome::failure(Status::protocol_error, r.error);
      if (r->is_error())
        co_return Outcome::failure(Status::protocol_error, "TransactNmPipe refused: " + smb1_status_string(r->header));
      if (r->DataDisplacement != data.size())
        co_return Outcome::failure(Status::protocol_error, "TRANSACTION response parts out of order");
      data.insert(data.end(), r->Data.begin(), r->Data.end());
      if (data.size() >= r->TotalDataCount || r->Data.empty()) break;
      if (part == kMaxTransactionParts)
        co_return Outcome::failure(Status::protocol_error, "a TRANSACTION answer in too many parts");
      o = co_await ch_.read_reply(reply);
    }
    co_return o;
  }

  asio::awaitable<Outcome> read(Bytes& data) override {
    auto request = encode_smb1_read_andx_request(next(), fid, kMaxPipeData);
    if (!request) co_return Outcome::failure(Status::error, request.error);
    Bytes reply;
    Outcome o = co_await ch_.request(*request.value, reply);
    if (!o.ok()) co_return o;
    auto r = decode_smb1_read_andx_response(reply);
    if (!r) co_return Outcome::failure(Status::protocol_error, r.error);
    if (r->is_error() || r->Data.empty())
      co_return Outcome::failure(Status::protocol_error, "READ_ANDX on the pipe: " + smb1_status_string(r->header));
    data = std::move(r->Data);
    co_return o;
  }

  Smb1Header header_;
  std::uint16_t fid = 0;

 private:
  SmbChannel& ch_;
  std::uint16_t& mid_;
};

// TREE_CONNECT_ANDX to IPC$ and NT_CREATE_ANDX of \srvsvc; false with `out` finished when refused.
asio::awaitable<bool> open_pipe(SmbChannel& ch, Smb1Pipe& p, const PortScan& ps, ShareList& out) {
  Smb1TreeConnectRequestOptions t;
  t.header = p.next();
  t.Path = "\\\\" + ps.ctx.address.to_string() + "\\IPC$";
  auto tree = encode_smb1_tree_connect_request(t);
  if (!tree) {
    out.outcome = Outcome::failure(Status::error, tree.error);
    co_return false;
  }
  Bytes reply;
  out.outcome = co_await ch.request(*tree.value, reply);
  if (!out.outcome.ok()) co_return false;
  auto tc = decode_smb1_tree_connect_response(reply);
  if (!tc || tc->is_error()) {
    if (!tc) out.outcome = Outcome::failure(Status::protocol_error, tc.error);
    out.answer = tc ? "IPC$ refused: " + smb1_status_string(tc->header) : "";
    co_return false;
  }
  p.header_.TID = tc->header.TID;
  auto create = encode_smb1_nt_create_pipe_request(p.next(), "srvsvc");
  if (!create) {
    out.outcome = Outcome::failure(Status::error, create.error);
    co_return false;
  }
  out.outcome = co_await ch.request(*create.value, reply);
  if (!out.outcome.ok()) co_return false;
  auto cr = decode_smb1_nt_create_response(reply);
  if (!cr || cr->is_error()) {
    if (!cr) out.outcome = Outcome::failure(Status::protocol_error, cr.error);
    out.answer = cr ? "srvsvc pipe refused: " + smb1_status_string(cr->header) : "";
    co_return false;
  }
  p.fid = cr->FID;
  co_return true;
}

}  // namespace

asio::awaitable<ShareList> list_shares_smb1(SmbChannel& ch, const PortScan& ps, std::uint16_t uid, std::uint16_t& mid) {
  ShareList out;
  Smb1Pipe p(ch, uid, mid);
  if (co_await open_pipe(ch, p, ps, out)) co_await enumerate_shares(p, ps, out);
  co_return out;
}

}  // namespace legacyscan::smb
