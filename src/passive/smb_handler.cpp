// SPDX-License-Identifier: Apache-2.0
// SMB over TCP (445, direct) and over NetBIOS (139): the dialects a client offers and gets, how it
// authenticates (SMB1 without extended security included) and whether its session is signed.
#include <algorithm>

#include "src/passive/handler.hpp"
#include "src/proto/nbss/nbss.hpp"
#include "src/proto/smb1/smb1_codec.hpp"
#include "src/proto/smb1/smb1_legacy_session_setup.hpp"
#include "src/proto/smb2/smb2_codec.hpp"

namespace legacyscan::passive {

namespace {

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
    // Small messages are decoded whole; of a large one (READ/WRITE data) the first 4 KiB are enough.
    const std::size_t want = std::min<std::size_t>(len, 4096);
    if (data.size() < 4 + want) return c.need_more = true, c;
    message(dir, data[0], data.subspan(4, want), ts);
    c.consumed = 4 + want;
    c.skip = len - want;
    if (done_) c.stop = true;
    return c;
  }
  bool complete() const override { return negotiated_ || !saw_negotiate_; }

 private:
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
        if (after_setup_) decide_signing(true, ts);
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

  void decide_signing(bool is_signed, std::int64_t ts) {
    if (signing_decided_) return;
    signing_decided_ = true;
    SmbFacts& f = ci_.cl(ts).smb_facts();
    (is_signed ? f.signed_sessions : f.unsigned_sessions).hit(ts);
    if (auth_decided_) done_ = true;
  }

  void record_auth(const std::string& kind, std::int64_t ts) {
    if (kind.empty() || auth_decided_) return;
    auth_decided_ = true;
    ci_.cl(ts).smb_facts().auth.hit(kind, ts);
  }

  void smb1(int dir, ByteView m, std::int64_t ts) {
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
        smb1_ = true;
        SmbFacts& f = ci_.cl(ts).smb_facts();
        f.negotiated.hit(chosen, ts);
        f.smb1_sessions.hit(ts);
      }
      return;
    }
    if (h->Command == smb::SMB_COM_SESSION_SETUP_ANDX) {
      if (dir == 0 && m.size() > 32 && m[32] == 13) {
        if (auto s = smb::decode_smb1_legacy_session_setup(m)) {
          record_auth(s->version(), ts);
          if (!s->account.empty() || s->version() != "anonymous") {
            ntlm::NtlmAuthenticateMessage a;  // the same facts, from the pre-NTLMSSP fields
            a.NtChallengeResponseLen = s->unicode_password_length;
            a.LmChallengeResponseLen = s->oem_password_length;
            a.UserName = s->account;
            a.DomainName = s->domain;
            if (s->version() != "plaintext") record_ntlm(ci_, a, "smb", ts);
          }
        } else {
          ++ci_.stats->decode_errors;
        }
      } else if (dir == 0) {
        if (auto s = smb::decode_smb1_session_setup_request(m))
          record_auth(auth_from_blob(ci_, s->SecurityBlob, "smb", ts), ts);
      } else if (h->Status == smb::STATUS_SUCCESS) {
        after_setup_ = true;
      }
      return;
    }
    if (after_setup_ && h->UID != 0) decide_signing((h->Flags2 & smb::SMB_FLAGS2_SMB_SECURITY_SIGNATURE) != 0, ts);
  }

  void smb2(int dir, ByteView m, std::int64_t ts) {
    auto h = smb::decode_smb2_header(m);
    if (!h) return void(++ci_.stats->decode_errors);
    const auto cmd = static_cast<smb::Smb2Command>(h->Command);
    if (cmd == smb::Smb2Command::NEGOTIATE) {
      if (dir == 0) {
        auto req = smb::decode_smb2_negotiate_request(m);
        if (!req) return void(++ci_.stats->decode_errors);
        start(ts);
        SmbFacts& f = ci_.cl(ts).smb_facts();
        for (auto d : req->Dialects) f.dialects_offered.hit(smb::smb2_dialect_name(d), ts);
      } else {
        auto rep = smb::decode_smb2_negotiate_response(m);
        if (!rep) return void(++ci_.stats->decode_errors);
        if (!rep->response) return;
        const std::uint16_t d = rep->response->DialectRevision;
        if (d == 0x02FF) return;  // the multi-protocol answer; a real NEGOTIATE follows
        start(ts);
        negotiated_ = true;
        ci_.cl(ts).smb_facts().negotiated.hit(smb::smb2_dialect_name(d), ts);
      }
      return;
    }
    if (cmd == smb::Smb2Command::SESSION_SETUP) {
      if (dir == 0) {
        if (auto s = smb::decode_smb2_session_setup_request(m))
          record_auth(auth_from_blob(ci_, s->SecurityBuffer, "smb", ts), ts);
      } else if (h->Status == smb::STATUS_SUCCESS) {
        after_setup_ = true;
        if (auto s = smb::decode_smb2_session_setup_response(m); s && s->response) {
          const auto flags = s->response->SessionFlags;
          if (flags & smb::SMB2_SESSION_FLAG_IS_NULL) record_auth("anonymous", ts);
          if (flags & smb::SMB2_SESSION_FLAG_ENCRYPT_DATA) decide_signing(true, ts);
        }
      }
      return;
    }
    if (after_setup_ && h->SessionId != 0) decide_signing((h->Flags & smb::SMB2_FLAGS_SIGNED) != 0, ts);
  }

  ConnInfo ci_;
  bool nbss_ = false;
  bool saw_negotiate_ = false;
  bool negotiated_ = false;
  bool smb1_ = false;
  bool after_setup_ = false;
  bool signing_decided_ = false;
  bool auth_decided_ = false;
  bool done_ = false;
  std::vector<std::string> offered_smb1_;
};

}  // namespace

std::unique_ptr<Handler> make_smb_handler(ConnInfo ci) { return std::make_unique<SmbHandler>(std::move(ci)); }

}  // namespace legacyscan::passive
