// SPDX-License-Identifier: Apache-2.0
#include "probes/ldap/ldap_binds.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "src/proto/ntlm/ntlm_messages.hpp"

namespace legacyscan::ldap {

namespace asio = boost::asio;

asio::awaitable<BindCheck> simple_bind(ProbeContext& ctx, std::uint16_t port, const std::string& naming_context) {
  BindCheck b;
  std::unique_ptr<LdapConnection> conn;
  b.outcome = co_await LdapConnection::open(ctx, port, conn);
  if (!b.outcome.ok()) co_return b;
  BindRequest req;
  req.name = std::string(kFakeRdn) + (naming_context.empty() ? "" : ",CN=Users," + naming_context);
  req.simple = kFakePassword;
  b.outcome = co_await conn->send(encode_bind_request(1, req));
  if (!b.outcome.ok()) co_return b;
  BindResponse r;
  if (!co_await read_bind_response(*conn, 1, b, r)) co_return b;
  b.result_code = r.result.resultCode;
  b.diagnostic = r.result.diagnosticMessage;
  (void)co_await conn->send(encode_unbind_request(2));
  co_return b;
}

asio::awaitable<bool> read_bind_response(LdapConnection& conn, std::int64_t id, BindCheck& b, BindResponse& out) {
  LDAPMessage m;
  b.outcome = co_await conn.next(m);
  if (!b.outcome.ok()) co_return false;
  if (m.messageID == 0 && m.extendedResp) {
    b.outcome = Outcome::failure(
        Status::reset, "notice of disconnection: " + result_code_name(m.extendedResp->result.resultCode) + " " +
                           m.extendedResp->result.diagnosticMessage);
    co_return false;
  }
  if (!m.bindResponse || m.messageID != id) {
    b.outcome = Outcome::failure(Status::protocol_error, "answer to a BindRequest is [APPLICATION " +
                                                             std::to_string(m.protocolOp) + "] with messageID " +
                                                             std::to_string(m.messageID));
    co_return false;
  }
  out = std::move(*m.bindResponse);
  co_return true;
}

// The NEGOTIATE_MESSAGE as ldap3 and impacket send it: no domain, workstation or version, and both
// empty fields at offset 0.
Bytes ntlm_negotiate(std::uint32_t flags) {
  return ntlm::encode_ntlm_negotiate_message(
      {.NegotiateFlags = flags, .Version = std::nullopt, .EmptyFieldsAtOffsetZero = true});
}

BindRequest gss_spnego_request(Bytes token) {
  BindRequest req;
  req.sasl_mechanism = "GSS-SPNEGO";
  req.sasl_credentials = std::move(token);
  return req;
}

asio::awaitable<bool> ntlm_negotiate_step(LdapConnection& conn, std::int64_t id, std::uint32_t flags, BindCheck& b,
                                          BindResponse& r) {
  // The request is a named local: GCC 12 mishandles temporaries nested inside a co_await expression.
  const BindRequest req = gss_spnego_request(ntlm_negotiate(flags));
  b.outcome = co_await conn.send(encode_bind_request(id, req));
  if (!b.outcome.ok()) co_return false;
  b.stage = "negotiate";
  if (!co_await read_bind_response(conn, id, b, r)) co_return false;
  if (r.result.resultCode != LDAP_SASL_BIND_IN_PROGRESS) {
    b.result_code = r.result.resultCode;
    b.diagnostic = r.result.diagnosticMessage;
    co_return false;
  }
  co_return true;
}

asio::awaitable<BindCheck> ntlm_unsigned_bind(ProbeContext& ctx, std::uint16_t port) {
  BindCheck b;
  std::unique_ptr<LdapConnection> conn;
  b.outcome = co_await LdapConnection::open(ctx, port, conn);
  if (!b.outcome.ok()) co_return b;
  BindResponse r;
  if (!co_await ntlm_negotiate_step(*conn, 1, ntlm::kNtlmUnsignedNegotiateFlags, b, r)) co_return b;
  if (ntlm::ntlm_message_type(r.serverSaslCreds ? ByteView(*r.serverSaslCreds) : ByteView()) != 2) {
    b.outcome = Outcome::failure(Status::protocol_error, "saslBindInProgress without an NTLMSSP CHALLENGE_MESSAGE");
    co_return b;
  }
  const BindRequest req = gss_spnego_request(ntlm::encode_ntlm_authenticate_anonymous());
  b.outcome = co_await conn->send(encode_bind_request(2, req));
  if (!b.outcome.ok()) co_return b;
  b.stage = "authenticate";
  if (!co_await read_bind_response(*conn, 2, b, r)) co_return b;
  b.result_code = r.result.resultCode;
  b.diagnostic = r.result.diagnosticMessage;
  (void)co_await conn->send(encode_unbind_request(3));
  co_return b;
}

void judge_bind(LdapResult& result) {
  result.simple_bind_cleartext = "unknown";
  result.signing_required = std::nullopt;
  std::optional<std::int64_t> simple;
  if (result.simple_bind && result.simple_bind->result_code) simple = *result.simple_bind->result_code;
  if (simple) {
    if (*simple == LDAP_STRONGER_AUTH_REQUIRED || *simple == 13)
      result.simple_bind_cleartext = "rejected";
    else if (*simple == LDAP_INVALID_CREDENTIALS || *simple == LDAP_SUCCESS)
      result.simple_bind_cleartext = "allowed";
  }
  const auto& n = result.ntlm_unsigned_bind;
  if (n && n->result_code && (*n->result_code == LDAP_STRONGER_AUTH_REQUIRED || *n->result_code == LDAP_SUCCESS)) {
    result.signing_required = *n->result_code == LDAP_STRONGER_AUTH_REQUIRED;
    result.signing_evidence = "anonymous NTLM SASL bind without signing got " + result_code_name(*n->result_code) +
                              " (" + std::to_string(*n->result_code) + ")" +
                              (n->diagnostic.empty() ? "" : ": " + n->diagnostic);
    return;
  }
  std::string ntlm_note;
  if (n) {
    ntlm_note = n->result_code ? "anonymous NTLM SASL bind without signing got " + result_code_name(*n->result_code) +
                                     " at " + n->stage + " (inconclusive); "
                               : "anonymous NTLM SASL bind failed: " + n->outcome.reason + "; ";
  }
  if (!simple) {
    result.signing_evidence =
        ntlm_note + (result.simple_bind ? "simple bind not answered: " + result.simple_bind->outcome.reason : "");
    return;
  }
  if (result.simple_bind_cleartext == "rejected")
    result.signing_required = true;
  else if (result.simple_bind_cleartext == "allowed")
    result.signing_required = false;
  result.signing_evidence = ntlm_note +
                            "inferred from the cleartext simple bind with a fake DN: " + result_code_name(*simple) +
                            " (" + std::to_string(*simple) + ")";
}

}  // namespace legacyscan::ldap
