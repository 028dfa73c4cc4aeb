// SPDX-License-Identifier: Apache-2.0
// NetrShareEnum over the srvsvc pipe in a granted SMB1 session (see smb1_share_list.hpp). As over
// SMB2, each step a server can refuse ends the list with what it said; where srvsvc is refused or
// missing, RAP NetShareEnum over \PIPE\LANMAN lists the shares instead.
#include "probes/smb/smb1_share_list.hpp"

#include "probes/smb/smb_share_list.hpp"
#include "src/proto/smb1/smb1_pipe.hpp"
#include "src/proto/smb1/smb1_rap.hpp"
#include "src/proto/smb1/smb1_tree.hpp"

namespace legacyscan::smb {

namespace asio = boost::asio;

namespace {

// What one TransactNmPipe answer and one READ_ANDX may carry: within the 16 KiB and more that SMB1
// servers take as their buffer size, so that Samba answers in one message.
constexpr std::uint16_t kMaxPipeData = 16384;
// A TRANSACTION answer split over more messages than this is not read on.
constexpr int kMaxTransactionParts = 64;
// RAP answers in one buffer of at most 64 KiB less a little ([MS-RAP] 2.5.6.1: smbclient asks for
// 0xFFE0 bytes); its parameters are 8 bytes.
constexpr std::uint16_t kRapBuffer = 0xFFE0;
constexpr std::uint16_t kRapMaxParameters = 1024;

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
    Bytes parameters;
    std::string refused;
    Outcome o = co_await transaction(*request.value, parameters, data, refused);
    if (o.ok() && !refused.empty()) co_return Outcome::failure(Status::protocol_error, "TransactNmPipe " + refused);
    co_return o;
  }

  // One TRANSACTION `request` and its answer, joined when it came in several responses (each with
  // its displacements); `refused` says what the server answered when it refused the request.
  asio::awaitable<Outcome> transaction(const Bytes& request, Bytes& parameters, Bytes& data, std::string& refused) {
    Bytes reply;
    Outcome o = co_await ch_.request(request, reply);
    parameters.clear();
    data.clear();
    for (int part = 0; o.ok(); ++part) {
      auto r = decode_smb1_transaction_response(reply);
      if (!r) co_return Outcome::failure(Status::protocol_error, r.error);
      if (r->is_error()) {
        refused = "refused: " + smb1_status_string(r->header);
        co_return o;
      }
      if (r->DataDisplacement != data.size() || r->ParameterDisplacement != parameters.size())
        co_return Outcome::failure(Status::protocol_error, "TRANSACTION response parts out of order");
      parameters.insert(parameters.end(), r->Parameters.begin(), r->Parameters.end());
      data.insert(data.end(), r->Data.begin(), r->Data.end());
      if (data.size() >= r->TotalDataCount && parameters.size() >= r->TotalParameterCount) break;
      if (r->Data.empty() && r->Parameters.empty()) break;
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

std::string rap_status_string(std::uint16_t status) {
  switch (status) {
    case NERR_SUCCESS: return "NERR_Success";
    case 5: return "ERROR_ACCESS_DENIED (5)";
    case 50: return "ERROR_NOT_SUPPORTED (50)";
    case RAP_ERROR_MORE_DATA: return "ERROR_MORE_DATA (234)";
    case 2123: return "NERR_BufTooSmall (2123)";
    default: return "RAP status " + std::to_string(status);
  }
}

// RAP NetShareEnum at level 1 over \PIPE\LANMAN in the IPC$ tree of `p` into `out`, which keeps
// what srvsvc answered.
asio::awaitable<void> list_by_rap(Smb1Pipe& p, ShareList& out) {
  ShareList rap;
  rap.method = "rap";
  rap.srvsvc_answer = out.outcome.ok() ? out.answer : out.outcome.reason;
  const Bytes call = encode_rap_net_share_enum_request(1, kRapBuffer);
  auto request = encode_smb1_lanman_request(p.next(), call, kRapMaxParameters, kRapBuffer);
  if (!request) {
    out.outcome = Outcome::failure(Status::error, request.error);
    co_return;
  }
  Bytes parameters, data;
  std::string refused;
  rap.outcome = co_await p.transaction(*request.value, parameters, data, refused);
  if (rap.outcome.ok() && !refused.empty()) rap.answer = "\\PIPE\\LANMAN " + refused;
  if (rap.outcome.ok() && refused.empty()) {
    auto r = decode_rap_net_share_enum_response(parameters, data);
    if (!r) rap.outcome = Outcome::failure(Status::protocol_error, r.error);
    if (r) {
      rap.answer = rap_status_string(r->status);
      if (r->listed()) {
        rap.level = 1;
        rap.total_entries = r->entries_available;
        for (auto& s : r->shares)
          rap.shares.push_back(ListedShare{std::move(s.name), rap_share_type_name(s.type), std::move(s.comment), {}});
        if (r->entries_available > r->entries_returned)
          rap.note = "the server has " + std::to_string(r->entries_available) + " shares; RAP returned the " +
                     std::to_string(r->entries_returned) + " that fit in its 65,504-byte answer";
      }
    }
  }
  out = std::move(rap);
}

// srvsvc was refused or is not there (the pipe, the BIND, the call) in a connected IPC$ tree; a
// connection that is gone is not.
bool srvsvc_refused(const ShareList& l) {
  if (l.outcome.ok()) return l.answer != "WERR_OK";
  return l.outcome.status == Status::protocol_error;
}

}  // namespace

asio::awaitable<ShareList> list_shares_smb1(SmbChannel& ch, const PortScan& ps, std::uint16_t uid, std::uint16_t& mid) {
  ShareList out;
  Smb1Pipe p(ch, uid, mid);
  if (co_await open_pipe(ch, p, ps, out)) co_await enumerate_shares(p, ps, out);
  if (p.header_.TID != 0 && srvsvc_refused(out)) co_await list_by_rap(p, out);
  co_return out;
}

}  // namespace legacyscan::smb
