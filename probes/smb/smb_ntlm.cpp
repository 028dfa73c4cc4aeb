// SPDX-License-Identifier: Apache-2.0
#include "probes/smb/smb_ntlm.hpp"

#include <memory>
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

// What the SPNEGO answer of a session setup tells, into n (or, in its outcome, why nothing).
void fill_from_spnego(NtlmInfo& n, ByteView blob) {
  auto challenge = challenge_from_spnego(blob);
  if (!challenge)
    n.outcome = Outcome::failure(Status::protocol_error, challenge.error);
  else
    fill_ntlm(n, *challenge.value);
}

// The start of both: a connection of its own and the NEGOTIATE the session setup follows.
struct NtlmStart {
  NtlmInfo n;
  std::unique_ptr<SmbChannel> ch;
  Bytes reply;  // the NEGOTIATE response
};

asio::awaitable<NtlmStart> open_for_ntlm(PortScan& ps, std::string via, Bytes negotiate) {
  NtlmStart s;
  s.n.via = std::move(via);
  s.n.outcome = co_await open_and_request(ps, negotiate, s.ch, s.reply);
  co_return s;
}

}  // namespace

asio::awaitable<void> ntlm_session_setup(SmbChannel& ch, NtlmInfo& n, std::uint64_t message_id) {
  Bytes reply;
  Smb2SessionSetupRequestOptions ss;
  ss.header.MessageId = message_id;
  ss.header.CreditRequest = 31;
  ss.SecurityBuffer = encode_spnego_init_ntlmssp(ntlm::encode_ntlm_negotiate_message());
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
  fill_from_spnego(n, resp->response->SecurityBuffer);
}

asio::awaitable<NtlmInfo> ntlm_over_smb2(PortScan& ps, std::uint16_t dialect) {
  const Bytes negotiate = smb2_negotiate(smb2_options(std::vector<std::uint16_t>(1, dialect)));
  NtlmStart s = co_await open_for_ntlm(ps, "smb2 " + smb2_dialect_name(dialect), negotiate);
  NtlmInfo& n = s.n;
  if (!n.outcome.ok()) co_return n;
  auto neg = decode_smb2_negotiate_response(s.reply);
  if (!neg || neg->is_error()) {
    n.outcome = Outcome::failure(Status::protocol_error,
                                 "NEGOTIATE before SESSION_SETUP failed: " + (neg ? neg->status_string() : neg.error));
    co_return n;
  }
  co_await ntlm_session_setup(*s.ch, n, 1);
  co_return n;
}

asio::awaitable<NtlmInfo> ntlm_over_smb1(PortScan& ps) {
  const Bytes negotiate = smb1_negotiate(std::vector<std::string>(1, "NT LM 0.12"));
  NtlmStart s = co_await open_for_ntlm(ps, "smb1 NT LM 0.12", negotiate);
  NtlmInfo& n = s.n;
  if (!n.outcome.ok()) co_return n;
  auto neg = decode_smb1_negotiate_response(s.reply);
  if (!neg || neg->DialectIndex != 0 || !neg->nt_lm) {
    n.outcome = Outcome::failure(Status::protocol_error, "SMB1 NEGOTIATE before SESSION_SETUP_ANDX failed");
    co_return n;
  }
  if (!neg->nt_lm->extended_security) {
    n.outcome = Outcome::failure(Status::protocol_error, "server does not offer extended security (no NTLMSSP)");
    co_return n;
  }
  Smb1SessionSetupRequestOptions ss;
  ss.SessionKey = neg->nt_lm->SessionKey;
  ss.SecurityBlob = encode_spnego_init_ntlmssp(ntlm::encode_ntlm_negotiate_message());
  auto req = encode_smb1_session_setup_request(ss);
  if (!req) {
    n.outcome = Outcome::failure(Status::error, req.error);
    co_return n;
  }
  n.outcome = co_await s.ch->request(*req.value, s.reply);
  if (!n.outcome.ok()) co_return n;
  auto resp = decode_smb1_session_setup_response(s.reply);
  if (!resp) {
    n.outcome = Outcome::failure(Status::protocol_error, "malformed SESSION_SETUP_ANDX response: " + resp.error);
    co_return n;
  }
  if (resp->header.Status != STATUS_MORE_PROCESSING_REQUIRED) {
    n.outcome = Outcome::failure(Status::protocol_error,
                                 "SESSION_SETUP_ANDX answered status " + smb1_status_string(resp->header));
    co_return n;
  }
  fill_from_spnego(n, resp->SecurityBlob);
  co_return n;
}

}  // namespace legacyscan::smb
