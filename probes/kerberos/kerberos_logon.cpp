// SPDX-License-Identifier: Apache-2.0
#include "probes/kerberos/kerberos_logon.hpp"

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "probes/kerberos/kerberos_identity.hpp"
#include "src/proto/kerberos/kerberos_crypto.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "src/proto/kerberos/kerberos_keytab.hpp"

namespace legacyscan::kerberos {

namespace asio = boost::asio;

std::pair<std::string, std::uint32_t> kerberos_now() {
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch() - secs).count();
  const std::time_t t = secs.count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%SZ", &tm);
  return {buf, static_cast<std::uint32_t>(usec)};
}

namespace {

// The credentialed AS exchange of a Windows XP client: its etype offer with PA-ENC-TIMESTAMP in the
// rc4-hmac key (from the password or the keytab), on UDP first and on TCP after KRB_ERR_RESPONSE_TOO_BIG,
// as XP does. The AS-REP's enc-part is decrypted only to read the session key's etype; nothing of it is kept.
asio::awaitable<XpLogon> xp_logon(Scan& base, XpLogon x, const PrincipalName& cname, const std::string& realm,
                                  Bytes key, bool udp_ok, bool tcp_ok) {
  struct Wipe {
    Bytes& b;
    ~Wipe() { std::fill(b.begin(), b.end(), 0); }
  } wipe{key};
  Scan s = base;
  s.cname = cname;
  s.realm = realm;
  std::random_device rd;
  Bytes confounder(8);
  for (auto& b : confounder) b = static_cast<std::uint8_t>(rd());
  const auto [now, usec] = kerberos_now();
  auto pa = encode_pa_enc_timestamp_rc4(key, now, usec, confounder);
  if (!pa) {
    x.outcome = Outcome::failure(Status::error, pa.error);
    co_return x;
  }
  AsReqOptions o;
  o.realm = s.realm;
  o.cname = s.cname;
  o.etype.assign(windows_xp_offer().etypes.begin(), windows_xp_offer().etypes.end());
  o.nonce = (s.nonce_base + 0x4000u) & 0x7fffffffu;
  o.pac_request = true;
  o.padata.push_back(PaData{PA_ENC_TIMESTAMP, std::move(*pa.value)});
  auto req = encode_as_req(o);
  if (!req) {
    x.outcome = Outcome::failure(Status::error, req.error);
    co_return x;
  }
  std::vector<Transport> order;
  if (udp_ok) order.push_back(Transport::udp);
  if (tcp_ok) order.push_back(Transport::tcp);
  for (auto t : order) {
    auto raw = co_await exchange(s, t, *req.value);
    if (!raw.outcome.ok()) {
      x.outcome = raw.outcome;
      continue;
    }
    auto reply = decode_kdc_reply(raw.message);
    if (!reply) {
      x.outcome = Outcome::failure(Status::protocol_error, reply.error);
      co_return x;
    }
    if (const auto* e = std::get_if<KrbError>(&*reply)) {
      if (t == Transport::udp && e->error_code == KRB_ERR_RESPONSE_TOO_BIG) {
        x.udp_response_too_big = true;
        continue;  // RFC 4120 7.2.1: retry on TCP
      }
      x.outcome = Outcome::success();
      x.error = error_name(e->error_code);
      co_return x;
    }
    const auto& rep = std::get<KdcRep>(*reply);
    x.transport = t == Transport::udp ? "udp" : "tcp";
    x.reply_etype = rep.enc_part.etype;
    x.ticket_etype = rep.ticket_enc_part.etype;
    if (rep.enc_part.etype != 23) {
      x.outcome = Outcome::failure(
          Status::error, "the AS-REP uses " + etype_name(rep.enc_part.etype) + "; only rc4-hmac replies are decrypted");
      co_return x;
    }
    auto cipher = decode_as_rep_cipher(raw.message);
    if (!cipher) {
      x.outcome = Outcome::failure(Status::protocol_error, cipher.error);
      co_return x;
    }
    auto plain = rc4_hmac_decrypt(key, 3, *cipher);
    if (!plain) {
      x.outcome = Outcome::failure(Status::protocol_error,
                                   "the AS-REP enc-part does not decrypt with the " + x.key_source + "'s rc4-hmac key");
      co_return x;
    }
    auto kt = decode_enc_kdc_rep_part_keytype(*plain);
    std::fill(plain->begin(), plain->end(), 0);
    if (!kt) {
      x.outcome = Outcome::failure(Status::protocol_error, kt.error);
      co_return x;
    }
    x.session_key_etype = *kt;
    x.outcome = Outcome::success();
    co_return x;
  }
  if (x.outcome.ok()) x.outcome = Outcome::failure(Status::error, "no transport left to try");
  co_return x;
}

// --user as name, name@REALM or DOMAIN\\name: the client principal and its realm (the scan's realm unless
// the name carries one).
std::pair<PrincipalName, std::string> user_principal(const std::string& user, const std::string& scan_realm) {
  std::string name = user, realm = scan_realm;
  if (auto at = name.rfind('@'); at != std::string::npos) {
    realm = upper(name.substr(at + 1));
    name.resize(at);
  } else if (auto bs = name.find('\\'); bs != std::string::npos) {
    name = name.substr(bs + 1);
  }
  return {parse_principal(name), realm};
}

}  // namespace

namespace {

// The entries of --keytab, or why there are none (in x.outcome).
std::optional<std::vector<KeytabEntry>> read_keytab(const Credentials& creds, XpLogon& x) {
  std::ifstream f(creds.keytab, std::ios::binary);
  if (!f) {
    x.outcome = Outcome::failure(Status::error, "--keytab: cannot read " + creds.keytab);
    return std::nullopt;
  }
  Bytes file(kMaxKeytabFile + 1);
  f.read(reinterpret_cast<char*>(file.data()), static_cast<std::streamsize>(file.size()));
  file.resize(static_cast<std::size_t>(f.gcount()));
  if (file.size() > kMaxKeytabFile) {
    x.outcome = Outcome::failure(Status::error, "--keytab " + creds.keytab + ": larger than 1 MiB, not a keytab");
    return std::nullopt;
  }
  auto entries = decode_keytab(file);
  std::fill(file.begin(), file.end(), 0);
  if (!entries) {
    x.outcome = Outcome::failure(Status::error, "--keytab " + creds.keytab + ": " + entries.error);
    return std::nullopt;
  }
  return std::move(*entries.value);
}

// What a keytab holds, per principal: "xpuser@OTHER.TEST (aes256-cts-hmac-sha1-96, rc4-hmac)".
std::string keytab_contents(const std::vector<KeytabEntry>& entries) {
  std::vector<std::pair<std::string, std::string>> held;
  for (const auto& k : entries) {
    auto it = std::find_if(held.begin(), held.end(), [&](const auto& h) { return h.first == k.principal(); });
    if (it == held.end()) it = held.insert(held.end(), {k.principal(), ""});
    it->second += (it->second.empty() ? "" : ", ") + etype_name(k.enctype);
  }
  std::string have;
  for (const auto& [who, types] : held) have += (have.empty() ? "" : "; ") + who + " (" + types + ")";
  return have.empty() ? "nothing" : have;
}

void wipe_entries(std::vector<KeytabEntry>& entries) {
  for (auto& k : entries) std::fill(k.key.begin(), k.key.end(), 0);
}

}  // namespace

UserKeys::~UserKeys() {
  for (auto& [etype, key] : keys) std::fill(key.begin(), key.end(), 0);
}

UserKeys user_keys(const Credentials& creds, const std::string& scan_realm) {
  UserKeys p;
  std::tie(p.cname, p.realm) = user_principal(creds.user, scan_realm);
  p.x.user = p.cname.to_string() + "@" + p.realm;
  if (!creds.password.empty()) {
    p.x.key_source = "password";
    p.from_password = true;
    return p;
  }
  if (creds.keytab.empty()) {
    p.x.outcome =
        Outcome::failure(Status::skipped, "--user without --password, --password-env, --password-file or --keytab");
    return p;
  }
  p.x.key_source = "keytab";
  auto entries = read_keytab(creds, p.x);
  if (!entries) return p;
  p.keytab_held = keytab_contents(*entries);
  for (std::int32_t etype : {18, 17, 23}) {
    // A key of the wrong length is left out, as if it were not there.
    const auto* e = find_keytab_key(*entries, p.cname.to_string(), p.realm, etype);
    if (e && e->key.size() == (etype == 18 ? 32u : 16u)) p.keys.emplace_back(etype, e->key);
  }
  if (p.keys.empty())
    p.x.outcome =
        Outcome::failure(Status::error, "--keytab " + creds.keytab + " has no aes256, aes128 or rc4-hmac key for " +
                                            p.x.user + "; it holds: " + p.keytab_held);
  wipe_entries(*entries);
  return p;
}

UserKey rc4_user_key(const Credentials& creds, const std::string& scan_realm) {
  const UserKeys all = user_keys(creds, scan_realm);
  UserKey p{all.x, all.cname, all.realm, {}};
  if (all.from_password) {
    p.key = rc4_hmac_string_to_key(creds.password);
    return p;
  }
  for (const auto& [etype, key] : all.keys)
    if (etype == 23) p.key = key;
  if (p.key.empty() && !all.keytab_held.empty())
    p.x.outcome =
        Outcome::failure(Status::error, "--keytab " + creds.keytab + " has no rc4-hmac key for " + p.x.user +
                                            " (the Windows XP offer needs one); it holds: " + all.keytab_held);
  return p;
}

asio::awaitable<void> credentialed_logon(Scan& s, const Credentials& creds, KerberosResult& result) {
  auto logon = rc4_user_key(creds, s.realm);
  if (logon.key.empty()) {
    result.xp_logon = std::move(logon.x);
  } else {
    result.xp_logon = co_await xp_logon(s, std::move(logon.x), logon.cname, logon.realm, std::move(logon.key),
                                        result.udp.outcome.ok(), result.tcp.outcome.ok());
    if (result.xp_logon->udp_response_too_big) result.udp.too_big_seen = true;
  }
}

}  // namespace legacyscan::kerberos
