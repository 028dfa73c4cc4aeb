// SPDX-License-Identifier: Apache-2.0
#include "probes/smb/smb_ntlm.hpp"

#include <memory>
#include <random>
#include <string>

#include "src/proto/ntlm/ntlm_messages.hpp"
#include "src/proto/smb1/smb1_codec.hpp"
#include "src/proto/smb2/smb2_codec.hpp"
#include "src/proto/spnego/spnego.hpp"

namespace legacyscan::smb {

namespace asio = boost::asio;

namespace {

void fill_ntlm(NtlmInfo& n, const ntlm::NtlmChallengeMessage& c) {
  n.netbios_computer = c.NbComputerName;
  n.netbios_domain = c.NbDomainName;
  n.dns_computer = c.DnsComputerName;
  n.dns_domain = c.DnsDomainName;
  n.dns_tree = c.DnsTreeName;
  if (c.Timestamp) n.server_time = filetime_to_rfc3339(*c.Timestamp);
  n.target_name = c.TargetName;
  n.negotiate_flags = ntlm::ntlm_negotiate_flag_names(c.NegotiateFlags);
  if (c.Version) {
    n.os_version = std::to_string(c.Version->ProductMajorVersion) + "." +
                   std::to_string(c.Version->ProductMinorVersion) + "." + std::to_string(c.Version->ProductBuild);
    n.ntlm_revision = c.Version->NTLMRevisionCurrent;
  }
}

// The NTLMSSP CHALLENGE inside a SPNEGO NegTokenResp.
Decoded<ntlm::NtlmChallengeMessage> challenge_from_spnego(ByteView blob) {
  auto resp = decode_spnego_resp(blob);
  if (!resp) return Decoded<ntlm::NtlmChallengeMessage>::fail("SPNEGO answer: " + resp.error);
  if (!resp->responseToken) return Decoded<ntlm::NtlmChallengeMessage>::fail("SPNEGO answer carries no responseToken");
  auto c = ntlm::decode_ntlm_challenge_message(*resp->responseToken);
  if (!c) return Decoded<ntlm::NtlmChallengeMessage>::fail("NTLMSSP CHALLENGE: " + c.error);
  return c;
}

// What the SPNEGO answer of a session setup tells, into n (or, in its outcome, why nothing), and the
// CHALLENGE itself into leg when asked for.
void fill_from_spnego(NtlmInfo& n, ByteView blob, NtlmLeg* leg) {
  auto challenge = challenge_from_spnego(blob);
  if (!challenge) {
    n.outcome = Outcome::failure(Status::protocol_error, challenge.error);
    return;
  }
  fill_ntlm(n, *challenge.value);
  if (leg) leg->challenge = std::move(*challenge.value);
}

// SPNEGO NegTokenInit with an NTLMSSP NEGOTIATE_MESSAGE asking for `flags`.
Bytes spnego_negotiate(std::uint32_t flags) {
  ntlm::NtlmNegotiateOptions negotiate;
  negotiate.NegotiateFlags = flags;
  return encode_spnego_init_ntlmssp(ntlm::encode_ntlm_negotiate_message(negotiate));
}

// The start of both: a connection of its own and the NEGOTIATE the session setup follows; the
// NEGOTIATE response is left in reply.
asio::awaitable<NtlmSession> open_for_ntlm(PortScan& ps, std::string via, Bytes negotiate, Bytes& reply) {
  NtlmSession s;
  s.n.via = std::move(via);
  s.n.outcome = co_await open_and_request(ps, negotiate, s.ch, reply);
  co_return s;
}

}  // namespace

asio::awaitable<void> ntlm_session_setup(SmbChannel& ch, NtlmInfo& n, std::uint64_t message_id, NtlmLeg* leg,
                                         std::uint32_t flags) {
  Bytes reply;
  Smb2SessionSetupRequestOptions ss;
  ss.header.MessageId = message_id;
  ss.header.CreditRequest = 31;
  ss.SecurityBuffer = spnego_negotiate(flags);
  auto req = encode_smb2_session_setup_request(ss);
  if (!req) {
    n.outcome = Outcome::failure(Status::error, req.error);
    co_return;
  }
  auto o = co_await ch.request(*req.value, reply);
  if (!o.ok()) {
    n.outcome = o;
    co_return;
  }
  auto resp = decode_smb2_session_setup_response(reply);
  if (!resp) {
    n.outcome = Outcome::failure(Status::protocol_error, "malformed SESSION_SETUP response: " + resp.error);
    co_return;
  }
  if (resp->status() != STATUS_MORE_PROCESSING_REQUIRED || !resp->response) {
    n.outcome = Outcome::failure(
        Status::protocol_error, "SESSION_SETUP answered " + resp->status_string() + " instead of an NTLMSSP challenge");
    co_return;
  }
  if (leg) {
    leg->session_id = resp->header.SessionId;
    leg->next_message_id = message_id + 1;
  }
  fill_from_spnego(n, resp->response->SecurityBuffer, leg);
}

asio::awaitable<NtlmSession> ntlm_start_smb2(PortScan& ps, std::uint16_t dialect, std::uint32_t flags) {
  auto options = smb2_options(std::vector<std::uint16_t>(1, dialect));
  // A ClientGuid of its own: Samba hands every connection of one ClientGuid to the smbd process that
  // already serves it (multichannel), and concurrent session setups racing through that hand-over
  // can be left without credits.
  static std::mt19937_64 gen{std::random_device{}()};
  for (auto& b : options.ClientGuid) b = static_cast<std::uint8_t>(gen());
  const Bytes negotiate = smb2_negotiate(options);
  Bytes reply;
  NtlmSession s = co_await open_for_ntlm(ps, "smb2 " + smb2_dialect_name(dialect), negotiate, reply);
  NtlmInfo& n = s.n;
  if (!n.outcome.ok()) co_return s;
  auto neg = decode_smb2_negotiate_response(reply);
  if (!neg || neg->is_error()) {
    n.outcome = Outcome::failure(Status::protocol_error,
                                 "NEGOTIATE before SESSION_SETUP failed: " + (neg ? neg->status_string() : neg.error));
    co_return s;
  }
  co_await ntlm_session_setup(*s.ch, n, 1, &s.leg, flags);
  co_return s;
}

asio::awaitable<NtlmInfo> ntlm_over_smb2(PortScan& ps, std::uint16_t dialect) {
  co_return (co_await ntlm_start_smb2(ps, dialect)).n;
}

asio::awaitable<NtlmSession> ntlm_start_smb1(PortScan& ps, std::uint32_t flags) {
  const Bytes negotiate = smb1_negotiate(std::vector<std::string>(1, "NT LM 0.12"));
  Bytes reply;
  NtlmSession s = co_await open_for_ntlm(ps, "smb1 NT LM 0.12", negotiate, reply);
  NtlmInfo& n = s.n;
  if (!n.outcome.ok()) co_return s;
  auto neg = decode_smb1_negotiate_response(reply);
  if (!neg || neg->DialectIndex != 0 || !neg->nt_lm) {
    n.outcome = Outcome::failure(Status::protocol_error, "SMB1 NEGOTIATE before SESSION_SETUP_ANDX failed");
    co_return s;
  }
  if (!neg->nt_lm->extended_security) {
    n.outcome = Outcome::failure(Status::protocol_error, "server does not offer extended security (no NTLMSSP)");
    co_return s;
  }
  Smb1SessionSetupRequestOptions ss;
  ss.SessionKey = neg->nt_lm->SessionKey;
  s.leg.smb1_session_key = ss.SessionKey;
  ss.SecurityBlob = spnego_negotiate(flags);
  auto req = encode_smb1_session_setup_request(ss);
  if (!req) {
    n.outcome = Outcome::failure(Status::error, req.error);
    co_return s;
  }
  n.outcome = co_await s.ch->request(*req.value, reply);
  if (!n.outcome.ok()) co_return s;
  auto resp = decode_smb1_session_setup_response(reply);
  if (!resp) {
    n.outcome = Outcome::failure(Status::protocol_error, "malformed SESSION_SETUP_ANDX response: " + resp.error);
    co_return s;
  }
  if (resp->header.Status != STATUS_MORE_PROCESSING_REQUIRED) {
    n.outcome = Outcome::failure(Status::protocol_error,
                                 "SESSION_SETUP_ANDX answered status " + smb1_status_string(resp->header));
    co_return s;
  }
  s.leg.session_id = resp->header.UID;
  fill_from_spnego(n, resp->SecurityBlob, &s.leg);
  co_return s;
}

asio::awaitable<NtlmInfo> ntlm_over_smb1(PortScan& ps) { co_return (co_await ntlm_start_smb1(ps)).n; }

}  // namespace legacyscan::smb
