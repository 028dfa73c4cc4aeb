// SPDX-License-Identifier: Apache-2.0
// NetrShareEnum over the srvsvc pipe in a granted SMB2 session (see smb_share_list.hpp). Each step a
// server can refuse (the IPC$ tree, the pipe, the BIND, the call) ends the list with what it said;
// that is a result, not an error.
#include "probes/smb/smb_share_list.hpp"

#include "src/proto/dcerpc/dcerpc_pdu.hpp"
#include "src/proto/dcerpc/dcerpc_srvsvc.hpp"
#include "src/proto/smb2/smb2_pipe.hpp"
#include "src/proto/smb2/smb2_tree.hpp"
#include "src/proto/smb2/smb_names.hpp"

namespace legacyscan::smb {

namespace asio = boost::asio;

namespace {

constexpr std::uint32_t kMaxOutput = 65536;  // one credit's worth per IOCTL and READ
constexpr std::uint32_t kWerrOk = 0;

std::string werror_string(std::uint32_t e) {
  switch (e) {
    case 0: return "WERR_OK";
    case 5: return "WERR_ACCESS_DENIED (0x00000005)";
    case 50: return "WERR_NOT_SUPPORTED (0x00000032)";
    case 87: return "WERR_INVALID_PARAMETER (0x00000057)";
    case 124: return "WERR_INVALID_LEVEL (0x0000007c)";
    case 234: return "WERR_MORE_DATA (0x000000ea)";
    default: return "WERROR " + names::hex(e, 8);
  }
}

// One request and its final answer: interim STATUS_PENDING answers ([MS-SMB2] 3.3.4.2), which Samba
// sends for pipe IOCTLs, are skipped.
asio::awaitable<Outcome> exchange(SmbChannel& ch, Decoded<Bytes> request, Bytes& reply) {
  if (!request) co_return Outcome::failure(Status::error, request.error);
  Outcome o = co_await ch.request(*request.value, reply);
  for (int interim = 0; o.ok() && smb2_is_interim(reply); ++interim) {
    if (interim == 8) co_return Outcome::failure(Status::protocol_error, "only interim STATUS_PENDING answers");
    o = co_await ch.read_reply(reply);
  }
  co_return o;
}

// The SMB2 pipe: IOCTL FSCTL_PIPE_TRANSCEIVE and READ in one session and tree.
class Smb2Pipe final : public PipeIo {
 public:
  explicit Smb2Pipe(SmbChannel& ch) : ch_(ch) {}
  Smb2Header header;  // SessionId, TreeId; MessageId advanced per request
  Smb2FileId file{};

  Smb2Header next() {
    Smb2Header h = header;
    h.CreditRequest = 31;
    ++header.MessageId;
    return h;
  }

  asio::awaitable<Outcome> transceive(const Bytes& pdu, Bytes& data) override {
    Bytes reply;
    Decoded<Bytes> request = encode_smb2_pipe_transceive_request(next(), file, pdu, kMaxOutput);
    Outcome o = co_await exchange(ch_, std::move(request), reply);
    if (!o.ok()) co_return o;
    auto io = decode_smb2_ioctl_response(reply);
    if (!io || !io->response)
      co_return Outcome::failure(Status::protocol_error,
                                 io ? "FSCTL_PIPE_TRANSCEIVE refused: " + ntstatus_string(io->status()) : io.error);
    data = std::move(io->response->Data);
    co_return o;
  }

  asio::awaitable<Outcome> read(Bytes& data) override {
    Bytes reply;
    Decoded<Bytes> request = encode_smb2_read_request(next(), file, kMaxOutput);
    Outcome o = co_await exchange(ch_, std::move(request), reply);
    if (!o.ok()) co_return o;
    auto rd = decode_smb2_read_response(reply);
    if (!rd || !rd->response || rd->response->Data.empty())
      co_return Outcome::failure(Status::protocol_error,
                                 rd ? "READ on the pipe: " + ntstatus_string(rd->status()) : rd.error);
    data = std::move(rd->response->Data);
    co_return o;
  }

  SmbChannel& ch_;
};

// One DCE-RPC call: `pdu` written, the answer's fragments read until the last (more reads for what
// did not fit), their stubs joined into `stub` up to kMaxShareListStub. Returns false with `o`
// failed, or with `fault` set for a FAULT PDU.
asio::awaitable<bool> call(PipeIo& p, const Bytes& pdu, Bytes& stub, std::uint32_t& fault, Outcome& o) {
  Bytes data;
  o = co_await p.transceive(pdu, data);
  if (!o.ok()) co_return false;
  for (std::size_t used = 0;;) {
    // A whole fragment at `used`: take its stub; otherwise read on.
    const ByteView rest = ByteView(data).subspan(used);
    const std::size_t frag = dcerpc::dcerpc_frag_length(rest);
    if (frag != 0 && frag <= rest.size()) {
      auto r = dcerpc::decode_dcerpc_response(rest.first(frag));
      if (!r) {
        o = Outcome::failure(Status::protocol_error, r.error);
        co_return false;
      }
      if (r->ptype == dcerpc::kPtypeFault) {
        fault = r->fault_status;
        co_return false;
      }
      if (stub.size() + r->stub.size() > kMaxShareListStub) {
        o = Outcome::failure(Status::error, "the answer is over " + std::to_string(kMaxShareListStub >> 20) +
                                                " MiB, the most legacyscan reads of a share list: not listed");
        co_return false;
      }
      stub.insert(stub.end(), r->stub.begin(), r->stub.end());
      used += frag;
      if (r->last()) co_return true;
      continue;
    }
    if (rest.size() >= 10 && frag == 0) {
      o = Outcome::failure(Status::protocol_error, "not a DCE-RPC PDU on the pipe: " + describe_unexpected(rest));
      co_return false;
    }
    // The fragment goes on in the rest of this pipe message or the next one.
    Bytes more;
    o = co_await p.read(more);
    if (!o.ok()) co_return false;
    data.erase(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(used));
    used = 0;
    data.insert(data.end(), more.begin(), more.end());
  }
}

// The steps before the pipe; false with `out` finished (the server's refusal in answer) when one
// fails.
asio::awaitable<bool> open_pipe(Smb2Pipe& p, const PortScan& ps, ShareList& out) {
  Bytes reply;
  Smb2TreeConnectRequestOptions t;
  t.header = p.next();
  t.Path = "\\\\" + ps.ctx.address.to_string() + "\\IPC$";
  Decoded<Bytes> tree = encode_smb2_tree_connect_request(t);
  out.outcome = co_await exchange(p.ch_, std::move(tree), reply);
  if (!out.outcome.ok()) co_return false;
  auto tc = decode_smb2_tree_connect_response(reply);
  if (!tc || !tc->response) {
    if (!tc) out.outcome = Outcome::failure(Status::protocol_error, tc.error);
    out.answer = tc ? "IPC$ refused: " + ntstatus_string(tc->status()) : "";
    co_return false;
  }
  p.header.TreeId = tc->header.TreeId;
  Decoded<Bytes> create = encode_smb2_create_pipe_request(p.next(), "srvsvc");
  out.outcome = co_await exchange(p.ch_, std::move(create), reply);
  if (!out.outcome.ok()) co_return false;
  auto cr = decode_smb2_create_response(reply);
  if (!cr || !cr->response) {
    if (!cr) out.outcome = Outcome::failure(Status::protocol_error, cr.error);
    out.answer = cr ? "srvsvc pipe refused: " + ntstatus_string(cr->status()) : "";
    co_return false;
  }
  p.file = cr->response->FileId;
  co_return true;
}

}  // namespace

asio::awaitable<void> enumerate_shares(PipeIo& pipe, const PortScan& ps, ShareList& out) {
  Bytes bind_answer;
  const Bytes bind = dcerpc::encode_srvsvc_bind(1);
  out.outcome = co_await pipe.transceive(bind, bind_answer);
  if (!out.outcome.ok()) co_return;
  auto ack = dcerpc::decode_dcerpc_bind_ack(bind_answer);
  if (!ack) {
    out.outcome = Outcome::failure(Status::protocol_error, "srvsvc BIND: " + ack.error);
    co_return;
  }
  if (!ack->accepted) {
    out.answer =
        (ack->nak ? "srvsvc BIND_NAK, reason " : "srvsvc BIND rejected, reason ") + std::to_string(ack->reason);
    co_return;
  }
  // Level 1 (with type and comment) first; level 0 (names) when the server will not answer that.
  for (std::uint32_t level : {1U, 0U}) {
    Bytes stub;
    std::uint32_t fault = 0;
    const Bytes request = dcerpc::encode_share_enum_request(2 + (1 - level), ps.ctx.address.to_string(), level);
    const bool answered = co_await call(pipe, request, stub, fault, out.outcome);
    if (!out.outcome.ok()) co_return;
    if (!answered) {
      out.answer = "DCE-RPC fault " + names::hex(fault, 8) + " at level " + std::to_string(level);
      continue;
    }
    auto e = dcerpc::decode_share_enum_response(stub);
    if (!e) {
      out.outcome = Outcome::failure(Status::protocol_error, e.error);
      co_return;
    }
    out.answer = werror_string(e->win_error);
    if (e->win_error != kWerrOk && level == 1) continue;
    out.level = level;
    out.total_entries = e->total_entries;
    for (auto& s : e->shares) {
      ListedShare l;
      l.name = std::move(s.name);
      if (s.type) l.type = dcerpc::share_type_name(*s.type);
      l.comment = std::move(s.comment);
      if (s.invalid_utf16) l.invalid_utf16 = true;
      out.shares.push_back(std::move(l));
    }
    co_return;
  }
}

asio::awaitable<ShareList> list_shares_smb2(SmbChannel& ch, const PortScan& ps, std::uint64_t session_id,
                                            std::uint64_t& message_id) {
  ShareList out;
  Smb2Pipe p(ch);
  p.header.SessionId = session_id;
  p.header.MessageId = message_id;
  const bool opened = co_await open_pipe(p, ps, out);
  if (opened) co_await enumerate_shares(p, ps, out);
  message_id = p.header.MessageId;
  co_return out;
}

std::vector<std::string> shares_to_connect(ShareList& list) {
  std::vector<std::string> names;
  std::size_t listed = 0, invalid = 0;
  for (const auto& s : list.shares) {
    if (s.name == "IPC$" || s.name.empty()) continue;
    // A name that is not valid UTF-16 cannot be sent back as it was listed: its escaped form would
    // name another share.
    if (s.invalid_utf16) {
      ++invalid;
      continue;
    }
    ++listed;
    if (names.size() < kMaxAllShares) names.push_back(s.name);
  }
  std::vector<std::string> notes;
  if (listed > names.size())
    notes.push_back("--shares all connected the first " + std::to_string(names.size()) + " of " +
                    std::to_string(listed) + " shares listed (the cap per session)");
  if (invalid != 0)
    notes.push_back(std::to_string(invalid) + " listed names that are not valid UTF-16 were not connected");
  for (const auto& n : notes) list.note += (list.note.empty() ? "" : "; ") + n;
  return names;
}

}  // namespace legacyscan::smb
