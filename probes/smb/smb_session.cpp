// SPDX-License-Identifier: Apache-2.0
// Each logon runs on a connection of its own (NEGOTIATE, SESSION_SETUP with the NTLMSSP NEGOTIATE,
// SESSION_SETUP with the AUTHENTICATE), so one logon's outcome never colours another's. The
// credential-free ones (anonymous, guest) always run; the user's only when --user and a password
// were given, one session per NTLM response type: each is an ordinary logon on the server (an audit
// event, a bad-password count when the password is wrong).
#include "probes/smb/smb_session.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include "legacyscan/engine/async.hpp"
#include "probes/smb/smb1_share_list.hpp"
#include "probes/smb/smb_ntlm.hpp"
#include "probes/smb/smb_session_security.hpp"
#include "src/proto/ntlm/ntlm_crypto.hpp"
#include "src/proto/ntlm/ntlm_session_key.hpp"
#include "src/proto/ntlm/ntlm_v1.hpp"
#include "src/proto/smb1/smb1_codec.hpp"
#include "src/proto/smb1/smb1_tree.hpp"
#include "src/proto/smb2/smb2_tree.hpp"
#include "src/proto/spnego/spnego.hpp"

namespace legacyscan::smb {

namespace asio = boost::asio;

namespace {

enum class Logon { anonymous, guest, v2, v1, v1_ess, lm };

std::mt19937_64& rng() {
  static std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

std::array<std::uint8_t, 8> random8() {
  const std::uint64_t v = rng()();
  std::array<std::uint8_t, 8> out{};
  for (std::size_t i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
  return out;
}

std::string random_hex(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < bytes; ++i) {
    const auto b = static_cast<unsigned>(rng()() & 0xFF);
    s += kHex[b >> 4];
    s += kHex[b & 0xF];
  }
  return s;
}

std::uint64_t filetime_now() {
  using namespace std::chrono;
  const auto since_1970 = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  return static_cast<std::uint64_t>(since_1970) * 10 + 116444736000000000ULL;
}

// Who a logon names: "DOMAIN\\name" splits, "name@realm" goes whole into UserName with an empty
// domain ([MS-NLMP] 3.1.5.1.2), a bare name takes the server's NetBIOS domain.
struct Who {
  std::string user;
  std::string domain;
  std::string password;
};

Who who_for(Logon l, const Credentials& creds, const ntlm::NtlmChallengeMessage& c) {
  Who w;
  if (l == Logon::guest) {
    // A name no server has and a password nobody knows: only guest mapping can grant it.
    w.user = "legacyscan-" + random_hex(4);
    w.domain = c.NbDomainName;
    w.password = random_hex(12);
    return w;
  }
  w.password = creds.password;
  if (auto slash = creds.user.find('\\'); slash != std::string::npos) {
    w.domain = creds.user.substr(0, slash);
    w.user = creds.user.substr(slash + 1);
  } else {
    w.user = creds.user;
    if (creds.user.find('@') == std::string::npos) w.domain = c.NbDomainName;
  }
  return w;
}

std::uint32_t negotiate_flags_for(Logon l) {
  switch (l) {
    case Logon::v1: return ntlm::ntlm_v1_negotiate_flags(ntlm::NtlmV1Kind::v1);
    case Logon::v1_ess: return ntlm::ntlm_v1_negotiate_flags(ntlm::NtlmV1Kind::v1_ess);
    case Logon::lm: return ntlm::ntlm_v1_negotiate_flags(ntlm::NtlmV1Kind::lm);
    default: return ntlm::kNtlmClientNegotiateFlags;
  }
}

// The flags of the user's NTLMv2 AUTHENTICATE: those of the CHALLENGE that the NEGOTIATE asked for,
// as a Windows client answers ([MS-NLMP] 3.1.5.1.2), so a server that offers NTLMSSP_NEGOTIATE_KEY_EXCH
// gets an EncryptedRandomSessionKey. The message carries no Version field, so not that flag; Unicode
// when the server can.
std::uint32_t v2_authenticate_flags(const ntlm::NtlmChallengeMessage& c) {
  std::uint32_t f = c.NegotiateFlags & ntlm::kNtlmClientNegotiateFlags & ~ntlm::NTLMSSP_NEGOTIATE_VERSION;
  if ((f & ntlm::NTLMSSP_NEGOTIATE_UNICODE) != 0) f &= ~ntlm::NTLM_NEGOTIATE_OEM;
  return f;
}

// The AUTHENTICATE_MESSAGE of one logon; empty (with why) when it cannot be written. An NTLMv2 logon
// also gives its session key, which the session signs and encrypts with, and whether it was
// exchanged (`key_exch`, the user's logon only).
Bytes authenticate_for(Logon l, const Credentials& creds, const ntlm::NtlmChallengeMessage& c, std::string& why,
                       Bytes& session_key, std::optional<bool>& key_exch) {
  if (l == Logon::anonymous) return ntlm::encode_ntlm_authenticate_anonymous();
  const Who w = who_for(l, creds, c);
  if (l == Logon::guest || l == Logon::v2) {
    ntlm::NtlmV2Logon logon;
    logon.user = w.user;
    logon.domain = w.domain;
    logon.password = w.password;
    logon.timestamp = c.Timestamp.value_or(filetime_now());
    logon.client_challenge = random8();
    if (l == Logon::v2) {
      logon.NegotiateFlags = v2_authenticate_flags(c);
      key_exch = (logon.NegotiateFlags & ntlm::NTLMSSP_NEGOTIATE_KEY_EXCH) != 0;
      if (*key_exch) {
        // A key the session signs with: from the system's random source, not the scan's generator.
        std::random_device rd;
        std::array<std::uint8_t, 16> k{};
        for (auto& b : k) b = static_cast<std::uint8_t>(rd() & 0xFF);
        logon.exported_session_key = k;
      }
    }
    Bytes out = ntlm::encode_ntlm_authenticate_v2(c, logon);
    session_key = ntlm::ntlm_v2_exported_session_key(logon, out);
    return out;
  }
  const auto kind =
      l == Logon::v1 ? ntlm::NtlmV1Kind::v1 : (l == Logon::v1_ess ? ntlm::NtlmV1Kind::v1_ess : ntlm::NtlmV1Kind::lm);
  ntlm::NtlmV1Logon logon{w.user, w.domain, w.password, random8()};
  Bytes out = ntlm::encode_ntlm_authenticate_v1(c, logon, kind);
  if (out.empty()) why = "password over 14 characters (no LM hash)";
  return out;
}

Bytes spnego_authenticate(ByteView authenticate) {
  NegTokenResp t;
  t.responseToken = Bytes(authenticate.begin(), authenticate.end());
  auto blob = encode_spnego_resp(t);
  return blob ? std::move(*blob.value) : Bytes{};
}

std::string tree_path(const PortScan& ps, std::string_view share) {
  return "\\\\" + ps.ctx.address.to_string() + "\\" + std::string(share);
}

// One tree connect: `request` is the family's encoded TREE_CONNECT; `read` fills t from the reply.
template <class Read>
asio::awaitable<ShareAccess> tree_connect(SmbChannel& ch, std::string session, std::string share,
                                          Decoded<Bytes> request, Read read) {
  ShareAccess t;
  t.name = std::move(share);
  t.session = std::move(session);
  if (!request) {
    t.outcome = Outcome::failure(Status::error, request.error);
    co_return t;
  }
  Bytes reply;
  t.outcome = co_await ch.request(*request.value, reply);
  if (ch.secured()) {
    t.sent = ch.encrypting() ? "encrypted" : "signed";
    t.answer_protection = ch.last_answer_protection();
  }
  if (t.outcome.ok()) read(reply, t);
  co_return t;
}

// An unencrypted TREE_CONNECT in a granted SMB2 session.
asio::awaitable<ShareAccess> smb2_tree_connect(SmbChannel& ch, const PortScan& ps, const NtlmLeg& leg,
                                               std::uint64_t message_id, std::string session, std::string share) {
  Smb2TreeConnectRequestOptions o;
  o.header.MessageId = message_id;
  o.header.SessionId = leg.session_id;
  o.header.CreditRequest = 31;
  o.Path = tree_path(ps, share);
  co_return co_await tree_connect(ch, std::move(session), std::move(share), encode_smb2_tree_connect_request(o),
                                  [](ByteView reply, ShareAccess& t) {
                                    if (detect_smb_protocol(reply) == SmbProtocol::Smb2Transform) {
                                      // Samba encrypts its answers in a session it flagged ENCRYPT_DATA; without the
                                      // session's keys the answer cannot be read, but that the server encrypts it is
                                      // the fact.
                                      t.answer = "an encrypted answer (SMB2 TRANSFORM_HEADER)";
                                      return;
                                    }
                                    auto r = decode_smb2_tree_connect_response(reply);
                                    if (!r) {
                                      t.outcome = Outcome::failure(Status::protocol_error,
                                                                   "malformed TREE_CONNECT response: " + r.error);
                                      return;
                                    }
                                    t.answer = ntstatus_string(r->status());
                                    t.connected = r->response.has_value();
                                    if (!t.connected) return;
                                    t.share_type = smb2_share_type_name(r->response->ShareType);
                                    t.share_flags = smb2_share_flag_names(r->response->ShareFlags);
                                    t.maximal_access = r->response->MaximalAccess;
                                    t.access = smb2_access_summary(r->response->MaximalAccess);
                                  });
}

const char* session_name(Logon l) {
  switch (l) {
    case Logon::anonymous: return "anonymous";
    case Logon::guest: return "guest";
    default: return "user";
  }
}

// One attempt and, when granted (and `tree`), the IPC$ tree connect in that session and those of the
// shares asked for.
struct Attempt {
  SessionAttempt a;
  std::optional<ShareAccess> ipc;
  // In a session flagged ENCRYPT_DATA: IPC$ first asked for signed, unencrypted (ipc is then the
  // encrypted attempt).
  std::optional<ShareAccess> ipc_plain;
  std::vector<ShareAccess> more;
  std::optional<ShareList> list;
};

std::string granted_from(Logon l, bool is_guest, bool is_null) {
  if (is_guest) return "guest";
  if (is_null || l == Logon::anonymous) return "null";
  return "user";
}

// The AUTHENTICATE leg on a started session: `build` wraps the SPNEGO token into the family's
// SESSION_SETUP. True with the server's answer in reply; false with a's outcome saying why not.
template <class Build>
asio::awaitable<bool> authenticate(PortScan& ps, NtlmSession& s, Logon l, SessionAttempt& a, Build build, Bytes& reply,
                                   Bytes& session_key) {
  a.via = s.n.via;
  if (!s.n.outcome.ok()) {
    a.outcome = s.n.outcome;
    co_return false;
  }
  std::string why;
  const Bytes auth =
      authenticate_for(l, ps.ctx.settings.credentials, s.leg.challenge, why, session_key, a.ntlm_key_exch);
  if (auth.empty()) {
    a.outcome = Outcome::failure(Status::skipped, why);
    co_return false;
  }
  Decoded<Bytes> req = build(spnego_authenticate(auth));
  if (!req) {
    a.outcome = Outcome::failure(Status::error, req.error);
    co_return false;
  }
  a.outcome = co_await s.ch->request(*req.value, reply);
  co_return a.outcome.ok();
}

asio::awaitable<Attempt> smb2_attempt(PortScan& ps, std::uint16_t dialect, Logon l, bool tree,
                                      const SessionPlan* plan = nullptr) {
  Attempt out;
  SessionAttempt& a = out.a;
  NtlmSession s = co_await ntlm_start_smb2(ps, dialect, negotiate_flags_for(l));
  Bytes reply;
  auto build = [&](Bytes token) {
    Smb2SessionSetupRequestOptions ss;
    ss.header.MessageId = s.leg.next_message_id;
    ss.header.SessionId = s.leg.session_id;
    ss.header.CreditRequest = 31;
    ss.SecurityBuffer = std::move(token);
    return encode_smb2_session_setup_request(ss);
  };
  Bytes session_key;
  if (!co_await authenticate(ps, s, l, a, build, reply, session_key)) co_return out;
  auto r = decode_smb2_session_setup_response(reply);
  if (!r) {
    a.outcome = Outcome::failure(Status::protocol_error, "malformed SESSION_SETUP response: " + r.error);
    co_return out;
  }
  a.answer = ntstatus_string(r->status());
  a.accepted = r->status() == STATUS_SUCCESS;
  if (!a.accepted) co_return out;
  const std::uint16_t flags = r->response ? r->response->SessionFlags : 0;
  a.session_flags = smb2_session_flag_names(flags);
  a.granted = granted_from(l, (flags & SMB2_SESSION_FLAG_IS_GUEST) != 0, (flags & SMB2_SESSION_FLAG_IS_NULL) != 0);
  if (!tree) co_return out;
  std::uint64_t mid = s.leg.next_message_id + 1;
  // The user's session signs (a guest or null session has no key to sign with), and encrypts where
  // the server flagged the session ENCRYPT_DATA: after one signed, unencrypted try, which tells
  // whether the server requires encryption or only desires it.
  const bool encrypt_data = (flags & SMB2_SESSION_FLAG_ENCRYPT_DATA) != 0 && dialect >= SMB2_DIALECT_300;
  if (l == Logon::v2 && a.granted == "user") {
    std::string why;
    auto keys = session_keys_from(*s.ch, session_key, why);
    if (!keys) {
      a.outcome = Outcome::failure(Status::error, "cannot sign in the session: " + why);
      co_return out;
    }
    s.ch->secure(std::move(*keys), s.leg.session_id, false);
    if (encrypt_data) {
      out.ipc_plain = co_await smb2_tree_connect(*s.ch, ps, s.leg, mid++, session_name(l), "IPC$");
      out.ipc_plain->via = a.via;
      if (!out.ipc_plain->outcome.ok() || out.ipc_plain->connected) co_return out;
      s.ch->encrypt(true);
    }
  }
  out.ipc = co_await smb2_tree_connect(*s.ch, ps, s.leg, mid++, session_name(l), "IPC$");
  out.ipc->via = a.via;
  std::vector<std::string> shares = plan ? plan->shares : std::vector<std::string>{};
  if (plan && out.ipc->connected) {
    out.list = co_await list_shares_smb2(*s.ch, ps, s.leg.session_id, mid);
    out.list->session = session_name(l);
    out.list->via = a.via;
    if (plan->all_shares) shares = shares_to_connect(*out.list);
  }
  for (const auto& name : shares) {
    if (!out.ipc->outcome.ok() || (!out.more.empty() && !out.more.back().outcome.ok())) break;  // connection gone
    out.more.push_back(co_await smb2_tree_connect(*s.ch, ps, s.leg, mid++, session_name(l), name));
    out.more.back().via = a.via;
  }
  co_return out;
}

// A TREE_CONNECT_ANDX in a granted SMB1 session (`uid`).
asio::awaitable<ShareAccess> smb1_tree_connect(SmbChannel& ch, const PortScan& ps, std::uint16_t uid, std::uint16_t mid,
                                               std::string session, std::string share) {
  Smb1TreeConnectRequestOptions o;
  o.header.UID = uid;
  o.header.MID = mid;
  o.Path = tree_path(ps, share);
  co_return co_await tree_connect(ch, std::move(session), std::move(share), encode_smb1_tree_connect_request(o),
                                  [](ByteView reply, ShareAccess& t) {
                                    auto r = decode_smb1_tree_connect_response(reply);
                                    if (!r) {
                                      t.outcome = Outcome::failure(Status::protocol_error,
                                                                   "malformed TREE_CONNECT_ANDX response: " + r.error);
                                      return;
                                    }
                                    t.answer = smb1_status_string(r->header);
                                    t.connected = !r->is_error() && r->header.Status == STATUS_SUCCESS;
                                    if (!t.connected) return;
                                    // [MS-CIFS] 2.2.4.55.2 Service: "A:" disk, "LPT1:" printer, "IPC" named pipe,
                                    // "COMM" device.
                                    t.share_type = r->Service == "IPC"     ? "pipe"
                                                   : r->Service == "A:"    ? "disk"
                                                   : r->Service == "LPT1:" ? "print"
                                                                           : r->Service;
                                    if (r->OptionalSupport & 0x0002)
                                      t.share_flags.emplace_back("DFS");  // SMB_SHARE_IS_IN_DFS
                                    t.maximal_access = r->MaximalShareAccessRights;
                                    if (t.maximal_access) t.access = smb2_access_summary(*t.maximal_access);
                                  });
}

asio::awaitable<Attempt> smb1_attempt(PortScan& ps, Logon l, const SessionPlan* plan = nullptr) {
  Attempt out;
  SessionAttempt& a = out.a;
  NtlmSession s = co_await ntlm_start_smb1(ps, negotiate_flags_for(l));
  Bytes reply;
  auto build = [&](Bytes token) {
    Smb1SessionSetupRequestOptions ss;
    ss.header.UID = static_cast<std::uint16_t>(s.leg.session_id);
    ss.header.MID = 1;
    ss.SessionKey = s.leg.smb1_session_key;
    ss.SecurityBlob = std::move(token);
    return encode_smb1_session_setup_request(ss);
  };
  Bytes session_key;
  if (!co_await authenticate(ps, s, l, a, build, reply, session_key)) co_return out;
  auto r = decode_smb1_session_setup_response(reply);
  if (!r) {
    a.outcome = Outcome::failure(Status::protocol_error, "malformed SESSION_SETUP_ANDX response: " + r.error);
    co_return out;
  }
  a.answer = smb1_status_string(r->header);
  a.accepted = r->header.Status == STATUS_SUCCESS && !r->is_error();
  if (!a.accepted) co_return out;
  const bool guest = (r->Action & SMB_SETUP_GUEST) != 0;
  if (guest) a.session_flags.emplace_back("SMB_SETUP_GUEST");
  a.granted = granted_from(l, guest, false);
  // SMB1 signing starts with the session key of a user's session; null and guest sessions do not sign.
  if (l != Logon::anonymous && l != Logon::guest && !(l == Logon::v2 && a.granted == "user")) co_return out;
  if (l == Logon::v2) s.ch->secure_smb1(std::move(session_key));
  const std::uint16_t uid = r->header.UID;
  std::uint16_t mid = 2;
  out.ipc = co_await smb1_tree_connect(*s.ch, ps, uid, mid++, session_name(l), "IPC$");
  out.ipc->via = a.via;
  std::vector<std::string> shares = plan ? plan->shares : std::vector<std::string>{};
  if (plan && out.ipc->connected) {
    out.list = co_await list_shares_smb1(*s.ch, ps, uid, mid);
    out.list->session = session_name(l);
    out.list->via = a.via;
    if (plan->all_shares) shares = shares_to_connect(*out.list);
  }
  for (const auto& name : shares) {
    if (!out.ipc->outcome.ok() || (!out.more.empty() && !out.more.back().outcome.ok())) break;  // connection gone
    out.more.push_back(co_await smb1_tree_connect(*s.ch, ps, uid, mid++, session_name(l), name));
    out.more.back().via = a.via;
  }
  co_return out;
}

SessionAttempt not_tried(std::string why) {
  SessionAttempt a;
  a.outcome = Outcome::failure(Status::skipped, std::move(why));
  return a;
}

bool has_flag(const std::vector<std::string>& flags, std::string_view f) {
  return std::find(flags.begin(), flags.end(), f) != flags.end();
}

// From the first granted SMB2 session, most privileged first, whose unencrypted IPC$ tree connect
// tells: connected is "not required". A refusal alone tells nothing (restrict anonymous refuses IPC$
// too, and Samba flags ENCRYPT_DATA when it only desires encryption).
EncryptionRequired encryption_from(const std::vector<const Attempt*>& attempts) {
  EncryptionRequired e;
  std::string unclear;
  for (const Attempt* at : attempts) {
    if (at->ipc_plain && at->ipc_plain->outcome.ok() && !at->ipc_plain->connected && at->ipc && at->ipc->outcome.ok() &&
        at->ipc->connected) {
      e.required = true;
      e.evidence = "the " + at->ipc->session + " session (SessionFlags ENCRYPT_DATA) was refused IPC$ with a signed, " +
                   "unencrypted TREE_CONNECT (" + at->ipc_plain->answer + ") and granted it encrypted";
      return e;
    }
    if (at->ipc_plain && at->ipc_plain->outcome.ok() && at->ipc_plain->connected) {
      e.evidence = "the " + at->ipc_plain->session + " session connected IPC$ with a signed, unencrypted " +
                   "TREE_CONNECT although its SessionFlags have ENCRYPT_DATA (encryption desired, not required)";
      return e;
    }
    if (!at->a.outcome.ok() || !at->a.accepted || !at->ipc || !at->ipc->outcome.ok()) continue;
    const ShareAccess& t = *at->ipc;
    const bool flag = has_flag(at->a.session_flags, "ENCRYPT_DATA");
    const std::string session = "the " + t.session + " session";
    if (t.connected) {
      e.evidence = session + " connected IPC$ with an unencrypted TREE_CONNECT" +
                   (flag ? " although its SessionFlags have ENCRYPT_DATA (encryption desired, not required)" : "");
      return e;
    }
    unclear += "; " + session + (flag ? " (SessionFlags ENCRYPT_DATA)" : "") + " was refused IPC$ (" + t.answer + ")";
  }
  e.outcome = Outcome::failure(Status::skipped, "no SMB2/3 session was granted that tells" + unclear);
  if (attempts.back()->a.outcome.ok() && attempts.back()->a.answer.starts_with("STATUS_ACCESS_DENIED"))
    e.outcome.reason +=
        "; the anonymous session was refused with STATUS_ACCESS_DENIED, as Samba refuses sessions that cannot "
        "encrypt when it requires encryption";
  return e;
}

// With credentials, when nothing else told: the user's NTLMv2 logon again over a dialect below 3.0,
// which cannot encrypt. Samba refuses it with STATUS_ACCESS_DENIED when it requires encryption
// (source3/smbd/smb2_sesssetup.c) while the same logon over the highest dialect was granted.
asio::awaitable<void> encryption_by_legacy_dialect(PortScan& ps, std::uint16_t dialect, EncryptionRequired& e) {
  Attempt at = co_await smb2_attempt(ps, dialect, Logon::v2, true);
  const std::string what = "the user's logon over SMB " + smb2_dialect_name(dialect);
  if (!at.a.outcome.ok()) {
    e.outcome.reason += "; " + what + ": " + at.a.outcome.reason;
    co_return;
  }
  if (!at.a.accepted && at.a.answer.starts_with("STATUS_ACCESS_DENIED")) {
    e = EncryptionRequired{};
    e.required = true;
    e.evidence = what + ", which cannot encrypt, was refused (" + at.a.answer +
                 ") while the same logon over the highest dialect was granted";
    co_return;
  }
  if (at.a.accepted && at.ipc && at.ipc->outcome.ok() && at.ipc->connected) {
    e = EncryptionRequired{};
    e.evidence = what + ", which cannot encrypt, was granted and connected IPC$ unencrypted";
    co_return;
  }
  e.outcome.reason += "; " + what + " was answered " + at.a.answer +
                      (at.ipc && at.ipc->outcome.ok() ? ", IPC$ " + at.ipc->answer : std::string());
}

}  // namespace

std::vector<std::string> smb_share_names(const std::string& option, std::string& error) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= option.size()) {
    const std::size_t comma = std::min(option.find(',', start), option.size());
    const std::string name = option.substr(start, comma - start);
    start = comma + 1;
    // [MS-SRVS] 2.2.4.23 shi1_netname: at most 80 characters; the path separators cannot be in one.
    const bool bad = name.empty() || name.size() > 80 || name.find_first_of("\\/:") != std::string::npos ||
                     std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20; });
    if (bad) {
      error = "--shares: '" + name + "' is not a share name (1 to 80 characters, no \\ / : or control)";
      return {};
    }
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    if (out.size() > 64) {
      error = "--shares: more than 64 shares";
      return {};
    }
  }
  return out;
}

asio::awaitable<Sessions> scan_sessions(PortScan& ps, const SessionPlan& plan, std::vector<ShareAccess>& shares,
                                        std::vector<ShareList>& lists) {
  const std::optional<std::uint16_t>& smb2_dialect = plan.smb2_dialect;
  const bool smb1 = plan.smb1;
  Sessions s;
  const Credentials& creds = ps.ctx.settings.credentials;
  const bool with_user = creds.has_user() && !creds.password.empty();
  const std::string no_user = "no --user with a password given";
  const std::vector<Logon> logons{Logon::anonymous, Logon::guest, Logon::v2, Logon::v1, Logon::v1_ess, Logon::lm};
  const std::size_t n = with_user ? logons.size() : 2;

  if (!smb2_dialect && !smb1) {
    s.anonymous = s.guest = s.user = not_tried("the port offers neither SMB2/3 nor SMB1 NT LM 0.12 with NTLMSSP");
    s.ntlm = {s.user, s.user, s.user, s.user};
    s.encryption_required.outcome = s.user.outcome;
    co_return s;
  }
  // Guest and anonymous sessions never sign; the user's NTLMv2 session signs its tree connects.
  auto tree = [&](Logon l) { return l == Logon::anonymous || l == Logon::guest || l == Logon::v2; };
  // The port's best family first; SMB1 on its own when the port speaks both.
  std::vector<Attempt> main;
  if (smb2_dialect) {
    main = co_await all_of<Attempt>(
        n, [&](std::size_t i) { return smb2_attempt(ps, *smb2_dialect, logons[i], tree(logons[i]), &plan); });
  } else {
    main = co_await all_of<Attempt>(n, [&](std::size_t i) { return smb1_attempt(ps, logons[i], &plan); });
  }
  if (!with_user) main.resize(logons.size(), Attempt{not_tried(no_user), std::nullopt, std::nullopt, {}, std::nullopt});
  s.anonymous = main[0].a;
  s.guest = main[1].a;
  s.user = main[2].a;
  s.ntlm = {main[2].a, main[3].a, main[4].a, main[5].a};
  for (const auto& at : main) {
    if (at.ipc_plain) shares.push_back(*at.ipc_plain);
    if (at.ipc) shares.push_back(*at.ipc);
    shares.insert(shares.end(), at.more.begin(), at.more.end());
    if (at.list) lists.push_back(*at.list);
  }
  if (smb2_dialect) {
    s.encryption_required = encryption_from({&main[2], &main[1], &main[0]});
    if (!s.encryption_required.outcome.ok() && with_user && s.user.accepted && plan.smb2_legacy &&
        *plan.smb2_legacy != *smb2_dialect)
      co_await encryption_by_legacy_dialect(ps, *plan.smb2_legacy, s.encryption_required);
  } else
    s.encryption_required.outcome = Outcome::failure(Status::skipped, "SMB1 has no encryption");
  // On a port that speaks both, what an SMB1-only client gets: the anonymous and guest sessions
  // (no more logons than over SMB2) and, with credentials, the user's NTLMv2 logon once more, each
  // connecting IPC$, listing the shares and connecting those asked for, as over SMB2.
  if (smb2_dialect && smb1) {
    const std::size_t m = with_user ? 3 : 2;
    auto one = co_await all_of<Attempt>(m, [&](std::size_t i) { return smb1_attempt(ps, logons[i], &plan); });
    s.smb1 = Smb1Sessions{one[0].a, one[1].a, std::nullopt};
    if (with_user) s.smb1->user = one[2].a;
    for (const auto& at : one) {
      if (at.ipc) shares.push_back(*at.ipc);
      shares.insert(shares.end(), at.more.begin(), at.more.end());
      if (at.list) lists.push_back(*at.list);
    }
  }
  co_return s;
}

}  // namespace legacyscan::smb
