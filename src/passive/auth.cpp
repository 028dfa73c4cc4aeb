// SPDX-License-Identifier: Apache-2.0
// NTLM and SPNEGO security tokens as SMB SESSION_SETUP and LDAP SASL binds carry them: which
// authentication a client used, and the NTLM user and workstation names.
#include "src/passive/handler.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "src/proto/kerberos/kerberos_kdc_req.hpp"
#include "src/proto/ntlm/ntlm_messages.hpp"
#include "src/proto/spnego/spnego.hpp"

namespace legacyscan::passive {

void record_ntlm(ConnInfo& ci, const ntlm::NtlmAuthenticateMessage& a, const char* via, std::int64_t ts) {
  Client& c = ci.cl(ts);
  NtlmFacts& n = c.ntlm_facts();
  n.versions.hit(a.response_version(), ts);
  if (!a.UserName.empty()) n.users.hit((a.DomainName.empty() ? "" : a.DomainName + "\\") + a.UserName, ts);
  if (!a.Workstation.empty()) {
    n.workstations.hit(a.Workstation, ts);
    c.names.hit(a.Workstation, ts);
  }
  n.via.hit(via, ts);
  n.servers.hit(ci.server, ts);
}

void record_ap_req(ConnInfo& ci, ByteView token, const char* via, std::int64_t ts) {
  // A bare AP-REQ ([APPLICATION 14], as DCE-RPC's auth_type 16 carries it) or a GSS-API token.
  auto a =
      !token.empty() && token[0] == 0x6e ? kerberos::decode_ap_req(token) : kerberos::decode_gss_krb5_ap_req(token);
  if (!a) return;  // a Kerberos mechanism token that is not an AP-REQ (a KRB-ERROR, a user-to-user request)
  KerberosFacts& k = ci.cl(ts).kerberos_facts();
  k.ap_req_ticket_etypes.hit(a->sname + ": " + kerberos::etype_name(a->ticket_etype), ts);
  k.ap_req_authenticator_etypes.hit(kerberos::etype_name(a->authenticator_etype), ts);
  k.ap_req_via.hit(via, ts);
  k.servers.hit(ci.server, ts);
}

std::string auth_from_blob(ConnInfo& ci, ByteView blob, const char* via, std::int64_t ts) {
  std::optional<Bytes> token;
  if (ntlm::ntlm_message_type(blob) != 0) {
    token = Bytes(blob.begin(), blob.end());
  } else if (auto init = smb::decode_spnego_init(blob)) {
    if (init->mechToken) token = init->mechToken;
    if (!init->mechTypes.empty()) {
      const auto& oid = init->mechTypes.front().oid;
      if ((oid == smb::kOidKerberos5 || oid == smb::kOidMsKerberos5) && token && !token->empty() &&
          ntlm::ntlm_message_type(*token) == 0) {
        record_ap_req(ci, *token, via, ts);
        return "kerberos";
      }
    }
  } else if (auto resp = smb::decode_spnego_resp(blob)) {
    if (resp->responseToken) token = resp->responseToken;
  } else if (!blob.empty() && blob[0] == 0x60) {
    record_ap_req(ci, blob, via, ts);
    return "kerberos";  // a bare GSS-API Kerberos token (SASL GSSAPI)
  }
  if (!token) return "";
  if (ntlm::ntlm_message_type(*token) == 3) {
    auto a = ntlm::decode_ntlm_authenticate_message(*token);
    if (!a) {
      ++ci.stats->decode_errors;
      return "";
    }
    record_ntlm(ci, *a, via, ts);
    return a->response_version();
  }
  return "";
}

}  // namespace legacyscan::passive
