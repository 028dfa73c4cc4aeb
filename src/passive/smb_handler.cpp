// SPDX-License-Identifier: Apache-2.0
// SMB over TCP (445, direct) and over NetBIOS (139): the dialects a client offers and gets, how it
// authenticates (SMB1 without extended security included) and whether its session is signed.
#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>

#include "src/passive/handler.hpp"
#include "src/passive/smb_session_flags.hpp"
#include "src/proto/nbss/nbss.hpp"
#include "src/proto/smb1/smb1_codec.hpp"
#include "src/proto/smb1/smb1_legacy_session_setup.hpp"
#include "src/proto/smb2/smb2_codec.hpp"

namespace legacyscan::passive {

namespace {

constexpr std::size_t kHeaderPeek = 72;
constexpr std::size_t kPipePeek = 160;  // a pipe write's header, fixed part and DCE-RPC header start
constexpr std::size_t kMaxPipeMessage = 8192;
constexpr std::size_t kMaxBody = 64 * 1024;
constexpr std::size_t kMaxSessions = 256;  // per connection
constexpr std::uint32_t kFsctlValidateNegotiateInfo = 0x00140204;
constexpr std::uint32_t kFsctlPipeTransceive = 0x0011C017;
constexpr auto kSmb2Write = static_cast<smb::Smb2Command>(0x0009);  // [MS-SMB2] 2.2.1
constexpr std::uint8_t kSmb1Transaction = 0x25;                     // [MS-CIFS] 2.2.2.1
constexpr std::uint8_t kSmb1WriteAndx = 0x2F;
constexpr std::uint8_t kSmb1LogoffAndx = 0x74;
// SMB1 MIDs among the pending SESSION_SETUP keys, apart from UIDs and SMB2 message ids.
constexpr std::uint64_t kSmb1Message = 1ull << 63;

std::uint32_t le32(ByteView m, std::size_t at) {
  return m[at] | (m[at + 1] << 8) | (m[at + 2] << 16) | (static_cast<std::uint32_t>(m[at + 3]) << 24);
}

std::uint16_t le16(ByteView m, std::size_t at) { return static_cast<std::uint16_t>(m[at] | (m[at + 1] << 8)); }

bool is_smb1(ByteView m) { return m.size() >= 5 && m[0] == 0xFF && m[1] == 'S'; }
bool is_smb2(ByteView m) { return m.size() >= 14 && m[0] == 0xFE && m[1] == 'S'; }

// The requests that may write a DCE-RPC PDU to a named pipe: SMB2 WRITE and IOCTL, SMB1
// TRANSACTION (TransactNmPipe on \PIPE\) and WRITE_ANDX.
bool pipe_candidate(ByteView m) {
  if (is_smb1(m)) return m[4] == kSmb1Transaction || m[4] == kSmb1WriteAndx;
  return is_smb2(m) && m[13] == 0 && (m[12] == 9 || m[12] == 11);
}

// The data a pipe candidate carries, as an offset and a count from the start of the SMB header;
// {0, 0} when `m` is too short to say. SMB2 WRITE ([MS-SMB2] 2.2.21: DataOffset at 66, Length at
// 68); SMB2 IOCTL with FSCTL_PIPE_TRANSCEIVE (2.2.31: CtlCode at 68, InputOffset at 88, InputCount at
// 92); SMB1 TRANSACTION ([MS-CIFS] 2.2.4.33.1: DataCount at 55, DataOffset at 57) and WRITE_ANDX
// (2.2.4.43.1: DataLength at 53, DataOffset at 55), the SMB1 words starting at 33.
std::pair<std::size_t, std::size_t> pipe_data(ByteView m) {
  if (is_smb1(m)) {
    if (m[4] == kSmb1Transaction && m.size() >= 59 && m[32] >= 14) return {le16(m, 57), le16(m, 55)};
    if (m[4] == kSmb1WriteAndx && m.size() >= 57 && m[32] >= 12) return {le16(m, 55), le16(m, 53)};
    return {0, 0};
  }
  if (!is_smb2(m) || m[13] != 0) return {0, 0};
  if (m[12] == 9 && m.size() >= 72) return {le16(m, 66), le32(m, 68)};
  if (m[12] == 11 && m.size() >= 96 && le32(m, 68) == kFsctlPipeTransceive) return {le32(m, 88), le32(m, 92)};
  return {0, 0};
}

// A message whose whole body is read: NEGOTIATE and SESSION_SETUP (their security blobs, Kerberos
// tickets included, can be tens of KiB), and a small pipe write whose data starts with a DCE-RPC
// bind, alter_context or rpc_auth_3. Of every other message the first bytes are enough (`peek`: at
// least the header, and for a pipe candidate up to kPipePeek): READ and WRITE payloads, file data and
// RPC requests are skipped without being buffered.
bool wants_body(ByteView peek, std::size_t len) {
  if (is_smb1(peek)) {
    if (peek[4] == smb::SMB_COM_NEGOTIATE || peek[4] == smb::SMB_COM_SESSION_SETUP_ANDX) return true;
  } else if (!is_smb2(peek) || peek[13] != 0) {
    return false;
  } else if (peek[12] <= 1) {
    return true;
  }
  if (len > kMaxPipeMessage || !pipe_candidate(peek)) return false;
  const auto [off, count] = pipe_data(peek);
  if (off == 0 || count == 0 || off >= len) return false;
  if (off + 3 > peek.size()) return true;  // data beyond the peek (an unusual layout): read it
  return is_auth_pdu(peek.subspan(off));
}

std::string session_id_text(std::uint64_t id) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(id));
  return buf;
}

class SmbHandler : public Handler {
 public:
  explicit SmbHandler(ConnInfo ci) : ci_(std::move(ci)), nbss_(ci_.server_port == 139) {}

  Consume consume(int dir, ByteView data, std::int64_t ts) override {
    Consume c;
    if (data.size() < 4) return c.need_more = true, c;
    std::size_t len = 0;
    if (nbss_) {
      len = (static_cast<std::size_t>(data[1] & 1) << 16) | (static_cast<std::size_t>(data[2]) << 8) | data[3];
    } else {
      if (data[0] != 0) return c.stop = true, c;  // not direct TCP framing
      len = (static_cast<std::size_t>(data[1]) << 16) | (static_cast<std::size_t>(data[2]) << 8) | data[3];
    }
    // The header first; the body only of the messages that carry what is read.
    std::size_t want = std::min(len, kHeaderPeek);
    if (data.size() < 4 + want) return c.need_more = true, c;
    if (len <= kMaxPipeMessage && data[0] == 0 && pipe_candidate(data.subspan(4, want))) {
      want = std::min(len, kPipePeek);
      if (data.size() < 4 + want) return c.need_more = true, c;
    }
    const bool body = data[0] != 0 || wants_body(data.subspan(4, want), len);
    if (body) want = std::min(len, kMaxBody);
    if (data.size() < 4 + want) return c.need_more = true, c;
    // Of the server's messages only NEGOTIATE and SESSION_SETUP responses (and SMB1's) are read.
    if (dir == 0 || body || want < 4 || data[4] != 0xFE) message(dir, data[0], data.subspan(4, want), ts);
    c.consumed = 4 + want;
    c.skip = len - want;
    return c;
  }
  bool complete() const override { return negotiated_ || !saw_negotiate_; }
  void finish() override {
    for (auto& [id, s] : sessions_) report_session(id, s);
    sessions_.clear();
  }

 private:
  struct Session {
    bool established = false;
    std::string auth;
    std::uint64_t signed_requests = 0;
    std::uint64_t unsigned_requests = 0;
    std::int64_t last_ts = 0;
  };

  void message(int dir, std::uint8_t type, ByteView m, std::int64_t ts) {
    if (nbss_ && type == 0x81 && dir == 0) {  // SESSION REQUEST: the client's NetBIOS name
      if (auto req = smb::decode_session_request(ByteView(m.data() - 4, m.size() + 4));
          req && !req->calling.name.empty())
        ci_.cl(ts).names.hit(req->calling.name, ts);
      return;
    }
    if (type != 0) return;
    switch (smb::detect_smb_protocol(m)) {
      case smb::SmbProtocol::Smb1: smb1(dir, m, ts); break;
      case smb::SmbProtocol::Smb2: smb2(dir, m, ts); break;
      case smb::SmbProtocol::Smb2Transform:
        // [MS-SMB2] 2.2.41: SessionId at offset 44. An encrypted request is as good as a signed one.
        if (dir == 0 && m.size() >= 52) {
          std::uint64_t id = 0;
          for (int i = 7; i >= 0; --i) id = (id << 8) | m[44 + i];
          judge(id, true, ts);
        }
        break;
      default: break;
    }
  }

  void start(std::int64_t ts) {
    if (saw_negotiate_) return;
    saw_negotiate_ = true;
    Client& c = ci_.cl(ts);
    SmbFacts& f = c.smb_facts();
    f.connections.hit(ts);
    f.ports.hit(std::to_string(ci_.server_port), ts);
    f.servers.hit(ci_.server, ts);
  }

  Session* session(std::uint64_t id) {
    auto it = sessions_.find(id);
    if (it != sessions_.end()) return &it->second;
    if (sessions_.size() >= kMaxSessions) return nullptr;
    return &sessions_[id];
  }

  // One request of an established session: signed (or encrypted) or not.
  void judge(std::uint64_t id, bool is_signed, std::int64_t ts) {
    auto it = sessions_.find(id);
    if (it == sessions_.end() || !it->second.established) return;
    ++(is_signed ? it->second.signed_requests : it->second.unsigned_requests);
    it->second.last_ts = ts;
  }

  void established(std::uint64_t id, std::int64_t ts) {
    Session* s = session(id);
    if (!s || s->established) return;
    s->established = true;
    s->last_ts = ts;
    ci_.cl(ts).smb_facts().sessions.hit(ts);
  }

  // A session's verdict, at its LOGOFF or when the connection closes. A session without a counted
  // request (only a TREE_CONNECT, say) is left unjudged rather than guessed.
  void report_session(std::uint64_t id, const Session& s) {
    if (!s.established || s.signed_requests + s.unsigned_requests == 0) return;
    const std::int64_t ts = s.last_ts;
    SmbFacts& f = ci_.cl(ts).smb_facts();
    (s.unsigned_requests == 0 ? f.signed_sessions : f.unsigned_sessions).hit(ts);
    f.signed_requests.hit(ts, s.signed_requests);
    f.unsigned_requests.hit(ts, s.unsigned_requests);
    if (f.session_list.size() < kMaxSessionList)
      f.session_list.push_back({ci_.server, session_id_text(id), s.auth, s.signed_requests, s.unsigned_requests});
  }

  void logoff(std::uint64_t id) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    report_session(id, it->second);
    sessions_.erase(it);
  }

  // A SESSION_SETUP request: its authentication counts for the client at once and becomes the
  // session's when the server accepts it. `id` is the SessionId/UID, or 0 on a first leg; `msg`
  // tells the legs apart until the server has assigned one.
  void setup_request(std::uint64_t id, std::uint64_t msg, const std::string& kind, std::int64_t ts) {
    if (!kind.empty()) ci_.cl(ts).smb_facts().auth.hit(kind, ts);
    if (pending_auth_.size() >= kMaxSessions) pending_auth_.clear();
    pending_auth_[id != 0 ? id : msg] = kind;
  }

  // A successful SESSION_SETUP response: the session's authentication is that of the request with
  // its id (NTLM: the AUTHENTICATE leg) or else with its message id (a one-leg Kerberos setup).
  void setup_done(std::uint64_t id, std::uint64_t msg, const std::string& forced, std::int64_t ts) {
    std::string auth = forced;
    for (std::uint64_t key : {id, msg})
      if (auto it = pending_auth_.find(key); it != pending_auth_.end()) {
        if (auth.empty()) auth = it->second;
        pending_auth_.erase(it);
      }
    established(id, ts);
    if (Session* s = session(id); s && !auth.empty()) s->auth = auth;
    if (!forced.empty()) ci_.cl(ts).smb_facts().auth.hit(forced, ts);
  }

  void smb1(int dir, ByteView m, std::int64_t ts) {
    // Most messages are neither NEGOTIATE nor SESSION_SETUP: of a server's nothing is read, of a
    // client's three header fields ([MS-CIFS] 2.2.3.1: Command at 4, Flags2 at 10, UID at 28).
    if (m.size() >= 32 && m[4] != smb::SMB_COM_NEGOTIATE && m[4] != smb::SMB_COM_SESSION_SETUP_ANDX) {
      if (dir == 0) smb1_request(m[4], le16(m, 10), le16(m, 28), m, ts);
      return;
    }
    auto h = smb::decode_smb1_header(m);
    if (!h) return;
    if (dir == 0 && h->Command == smb::SMB_COM_NEGOTIATE) {
      auto req = smb::decode_smb1_negotiate_request(m);
      if (!req) return void(++ci_.stats->decode_errors);
      start(ts);
      offered_smb1_ = req->Dialects;
      SmbFacts& f = ci_.cl(ts).smb_facts();
      for (const auto& d : req->Dialects) f.dialects_offered.hit(d, ts);
      return;
    }
    if (dir == 1 && h->Command == smb::SMB_COM_NEGOTIATE && !negotiated_) {
      auto rep = smb::decode_reply_to_smb1_negotiate(m);
      if (!rep) return void(++ci_.stats->decode_errors);
      if (rep->smb1) {
        const std::string chosen = smb::smb1_chosen_dialect(*rep->smb1, offered_smb1_);
        if (chosen.empty()) return;
        negotiated_ = true;
        SmbFacts& f = ci_.cl(ts).smb_facts();
        f.negotiated.hit(chosen, ts);
        f.smb1_sessions.hit(ts);
      }
      return;
    }
    if (h->Command == smb::SMB_COM_SESSION_SETUP_ANDX) {
      // The UID is the server's: SMB1 has one per logon, like the SMB2 SessionId.
      const std::uint64_t mid = kSmb1Message | h->MID;
      if (dir == 0)
        setup_request(h->UID, mid, smb1_session_setup(m, ts), ts);
      else if (h->Status == smb::STATUS_SUCCESS) {
        setup_done(h->UID, mid, "", ts);
        note_smb1_setup_action(ci_.cl(ts).smb_facts(), m, ts);
      }
      return;
    }
  }

  // A request of an SMB1 session (not NEGOTIATE or SESSION_SETUP_ANDX).
  void smb1_request(std::uint8_t cmd, std::uint16_t flags2, std::uint16_t uid, ByteView m, std::int64_t ts) {
    if (cmd == kSmb1Transaction || cmd == kSmb1WriteAndx) pipe_message(m, ts);
    if (uid != 0) judge(uid, (flags2 & smb::SMB_FLAGS2_SMB_SECURITY_SIGNATURE) != 0, ts);
    if (cmd == kSmb1LogoffAndx) logoff(uid);
  }

  // The authentication of an SMB1 SESSION_SETUP_ANDX request ("" when it does not say).
  std::string smb1_session_setup(ByteView m, std::int64_t ts) {
    if (m.size() > 32 && m[32] == 13) {
      auto s = smb::decode_smb1_legacy_session_setup(m);
      if (!s) return ++ci_.stats->decode_errors, "";
      if (!s->account.empty() || s->version() != "anonymous") {
        ntlm::NtlmAuthenticateMessage a;  // the same facts, from the pre-NTLMSSP fields
        a.NtChallengeResponseLen = s->unicode_password_length;
        a.LmChallengeResponseLen = s->oem_password_length;
        a.UserName = s->account;
        a.DomainName = s->domain;
        if (s->version() != "plaintext") record_ntlm(ci_, a, "smb", ts);
      }
      return s->version();
    }
    if (auto s = smb::decode_smb1_session_setup_request(m)) return auth_from_blob(ci_, s->SecurityBlob, "smb", ts);
    return "";
  }

  void smb2(int dir, ByteView m, std::int64_t ts) {
    // Most messages are neither NEGOTIATE nor SESSION_SETUP: three header fields ([MS-SMB2] 2.2.1.2:
    // Command at 12, Flags at 16, SessionId at 40) are all they are read for, without a full decode.
    if (m.size() >= 64 && m[0] == 0xFE && (m[12] > 1 || m[13] != 0)) {
      const std::uint32_t flags = le32(m, 16);
      if (dir != 0 || (flags & smb::SMB2_FLAGS_SERVER_TO_REDIR)) return;
      const std::uint64_t id = le32(m, 40) | (static_cast<std::uint64_t>(le32(m, 44)) << 32);
      if (id != 0) smb2_request(static_cast<smb::Smb2Command>(m[12] | (m[13] << 8)), flags, id, m, ts);
      return;
    }
    auto h = smb::decode_smb2_header(m);
    if (!h) return void(++ci_.stats->decode_errors);
    const auto cmd = static_cast<smb::Smb2Command>(h->Command);
    if (cmd == smb::Smb2Command::NEGOTIATE) return smb2_negotiate(dir, m, ts);
    if (cmd == smb::Smb2Command::SESSION_SETUP) {
      if (dir == 0) {
        if (auto s = smb::decode_smb2_session_setup_request(m))
          setup_request(h->SessionId, h->MessageId, auth_from_blob(ci_, s->SecurityBuffer, "smb", ts), ts);
      } else if (h->Status == smb::STATUS_SUCCESS) {
        auto s = smb::decode_smb2_session_setup_response(m);
        const bool null = s && s->response && (s->response->SessionFlags & smb::SMB2_SESSION_FLAG_IS_NULL);
        setup_done(h->SessionId, h->MessageId, null ? "anonymous" : "", ts);
        note_smb2_session_flags(ci_.cl(ts).smb_facts(), m, ts);
      }
    }
  }

  // A request of a session (not NEGOTIATE or SESSION_SETUP).
  void smb2_request(smb::Smb2Command cmd, std::uint32_t flags, std::uint64_t id, ByteView m, std::int64_t ts) {
    if (cmd == kSmb2Write || cmd == smb::Smb2Command::IOCTL) pipe_message(m, ts);
    // Every SMB 3.x client signs these whatever the session's signing ([MS-SMB2] 3.2.4.1.1 for
    // TREE_CONNECT in 3.1.1, 3.2.5.14.12 for VALIDATE_NEGOTIATE_INFO in 3.0/3.0.2): they say nothing
    // about the session.
    const bool smb3 = dialect_ == 0 || dialect_ >= 0x0300;
    if (cmd == smb::Smb2Command::TREE_CONNECT && smb3) return;
    if (cmd == smb::Smb2Command::IOCTL && m.size() >= 72 && le32(m, 68) == kFsctlValidateNegotiateInfo) return;
    judge(id, (flags & smb::SMB2_FLAGS_SIGNED) != 0, ts);
    if (cmd == smb::Smb2Command::LOGOFF) logoff(id);
  }

  // A DCE-RPC bind, alter_context or rpc_auth_3 written to a named pipe (pipe_data says where).
  void pipe_message(ByteView m, std::int64_t ts) {
    const auto [off, count] = pipe_data(m);
    if (off == 0 || off > m.size() || count > m.size() - off) return;
    const ByteView pdu = m.subspan(off, count);
    if (is_auth_pdu(pdu)) dcerpc_auth(ci_, pdu, ts);
  }

  void smb2_negotiate(int dir, ByteView m, std::int64_t ts) {
    if (dir == 0) {
      auto req = smb::decode_smb2_negotiate_request(m);
      if (!req) return void(++ci_.stats->decode_errors);
      start(ts);
      SmbFacts& f = ci_.cl(ts).smb_facts();
      for (auto d : req->Dialects) f.dialects_offered.hit(smb::smb2_dialect_name(d), ts);
      return;
    }
    auto rep = smb::decode_smb2_negotiate_response(m);
    if (!rep) return void(++ci_.stats->decode_errors);
    if (!rep->response) return;
    const std::uint16_t d = rep->response->DialectRevision;
    if (d == 0x02FF) return;  // the multi-protocol answer; a real NEGOTIATE follows
    start(ts);
    negotiated_ = true;
    dialect_ = d;
    ci_.cl(ts).smb_facts().negotiated.hit(smb::smb2_dialect_name(d), ts);
  }

  ConnInfo ci_;
  bool nbss_ = false;
  bool saw_negotiate_ = false;
  bool negotiated_ = false;
  std::uint16_t dialect_ = 0;
  std::vector<std::string> offered_smb1_;
  std::map<std::uint64_t, Session> sessions_;
  std::map<std::uint64_t, std::string> pending_auth_;  // SESSION_SETUP requests not yet answered
};

}  // namespace

std::unique_ptr<Handler> make_smb_handler(ConnInfo ci) { return std::make_unique<SmbHandler>(std::move(ci)); }

}  // namespace legacyscan::passive
