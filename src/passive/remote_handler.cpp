// SPDX-License-Identifier: Apache-2.0
// Remote-access protocols seen on the wire: PPTP control connections (RFC 2637, 1723/tcp), IKE first
// messages (IKEv1 Main and Aggressive Mode SA proposals, RFC 2409 5; IKEv2 IKE_SA_INIT, RFC 7296 1.2;
// 500/udp and 4500/udp behind the non-ESP marker, RFC 3948 2.2), DTLS hellos (RFC 6347 4.2.1: the
// ClientHello's version, the ServerHello's choice), and RDP servers that select standard RDP security
// ([MS-RDPBCGR] 2.2.1.2: PROTOCOL_RDP in RDP_NEG_RSP, or no negotiation at all).
#include <algorithm>

#include "src/passive/findings.hpp"
#include "src/passive/flow_table.hpp"
#include "src/passive/handler.hpp"
#include "src/proto/ike/ike_codec.hpp"
#include "src/proto/rdp/rdp_codec.hpp"
#include "src/proto/tls/dtls_codec.hpp"

namespace legacyscan::passive {

namespace {

constexpr std::uint8_t kV1MainMode = 2, kV1Aggressive = 4, kV2SaInit = 34;  // RFC 2408 3.1, RFC 7296 3.1
constexpr std::uint8_t kV2FlagResponse = 0x20;
constexpr std::uint16_t kPptpControlMessage = 1, kPptpSccrq = 1;  // RFC 2637 2.1

std::string v1_transform_text(const ike::V1Transform& t) {
  return ike::v1_enc_name(t.enc, t.key_length) + "/" + ike::v1_hash_name(t.hash) + "/" + ike::v1_auth_name(t.auth) +
         "/" + ike::group_name(t.group);
}

// RFC 2637 2.1: PPTP control messages on 1723, each with its length first. The client's
// Start-Control-Connection-Request is what names it a PPTP client; nothing after it is read.
class PptpHandler final : public Handler {
 public:
  explicit PptpHandler(ConnInfo ci) : ci_(std::move(ci)) {}

  Consume consume(int dir, ByteView data, std::int64_t ts) override {
    Consume c;
    if (dir != 0) return c.stop = true, c;
    Reader r(data);
    std::uint16_t length = 0, pptp_type = 0, control_type = 0;
    std::uint32_t magic = 0;
    if (data.size() < 10) return c.need_more = true, c;
    if (!r.u16be(length) || !r.u16be(pptp_type) || !r.u32be(magic) || !r.u16be(control_type) || magic != 0x1A2B3C4D ||
        pptp_type != kPptpControlMessage || control_type != kPptpSccrq) {
      ++ci_.stats->decode_errors;
      return c.stop = true, c;
    }
    auto& v = ci_.cl(ts).remote_facts();
    v.pptp.hit(ts);
    v.pptp_servers.hit(ci_.server, ts);
    return c.stop = true, c;
  }

 private:
  ConnInfo ci_;
};

}  // namespace

std::unique_ptr<Handler> make_pptp_handler(ConnInfo ci) { return std::make_unique<PptpHandler>(std::move(ci)); }

void ike_datagram(ConnInfo& ci, int dir, ByteView payload, std::int64_t ts) {
  // On 4500 IKE comes behind four zero bytes; anything else there is ESP (RFC 3948 2.2).
  const bool marker = ci.server_port == 4500;
  if (marker && (payload.size() < 4 || payload[0] || payload[1] || payload[2] || payload[3])) return;
  auto m = ike::decode_message(payload, marker);
  if (!m) {
    ++ci.stats->decode_errors;
    return;
  }
  if (dir != 0 || m->encrypted) return;  // the first messages name the client's offer; the rest is keyed
  const bool v1_first = m->major_version == 1 && std::all_of(m->responder_spi.begin(), m->responder_spi.end(),
                                                             [](std::uint8_t b) { return b == 0; });
  const bool v2_init = m->major_version == 2 && m->exchange == kV2SaInit && !(m->flags & kV2FlagResponse);
  if (!v1_first && !v2_init) return;
  auto& v = ci.cl(ts).remote_facts();
  v.ike_servers.hit(ci.server, ts);
  if (marker) v.ike_nat_t.hit(ts);
  if (v2_init) {
    v.ike_v2_sa_init.hit(ts);
    for (const auto& t : m->v2_transforms) v.ike_v2_transforms.hit(ike::v2_transform_name(t), ts);
    return;
  }
  if (m->exchange == kV1Aggressive)
    v.ike_v1_aggressive.hit(ts);
  else if (m->exchange == kV1MainMode)
    v.ike_v1_main_mode.hit(ts);
  else
    return;
  for (const auto& t : m->v1_transforms) v.ike_v1_proposals.hit(v1_transform_text(t), ts);
}

bool is_dtls_datagram(ByteView payload) {
  // A DTLSPlaintext header: handshake or alert content, major version 0xFE (RFC 6347 4.1).
  return payload.size() >= 13 && (payload[0] == tls::HANDSHAKE || payload[0] == tls::ALERT) && payload[1] == 0xFE;
}

void dtls_datagram(Report& report, const Endpoint& from, const Endpoint& to, bool ipv6, ByteView payload,
                   std::int64_t ts) {
  auto records = tls::decode_dtls_records(payload);
  if (!records) return;
  for (const auto& rec : *records) {
    if (rec.type != tls::HANDSHAKE || rec.epoch != 0) continue;
    auto messages = tls::decode_dtls_handshakes(rec.fragment);
    if (!messages) {
      ++report.source.decode_errors;
      return;
    }
    for (const auto& m : *messages) {
      if (m.fragment_offset != 0 || m.fragment.size() < 2) continue;
      const std::uint16_t version = static_cast<std::uint16_t>(m.fragment[0] << 8 | m.fragment[1]);
      if (m.msg_type == tls::CLIENT_HELLO) {
        // The ClientHello's client_version is the highest version the client can speak.
        ConnInfo ci = conn_info(report, from, to, ipv6);
        auto& v = ci.cl(ts).remote_facts();
        v.dtls_client_hellos.hit(ts);
        v.dtls_max_version_offered.hit(tls::dtls_version_key(version), ts);
        v.dtls_servers.hit(ci.server, ts);
        return;
      }
      if (m.msg_type == tls::SERVER_HELLO) {
        ConnInfo ci = conn_info(report, to, from, ipv6);
        ci.cl(ts).remote_facts().dtls_negotiated.hit(tls::dtls_version_key(version), ts);
        return;
      }
    }
  }
}

void rdp_confirm(ConnInfo& ci, ByteView pdu, std::int64_t ts) {
  auto cc = rdp::decode_connection_confirm(pdu);
  if (!cc) return;
  const bool standard = cc->kind == rdp::ConnectionConfirm::Kind::none ||
                        (cc->kind == rdp::ConnectionConfirm::Kind::response && cc->selected_protocol == 0);
  if (!standard) return;
  auto& v = ci.cl(ts).remote_facts();
  v.rdp_standard_security.hit(ts);
  v.rdp_servers.hit(ci.server, ts);
}

}  // namespace legacyscan::passive

namespace legacyscan::passive {

void remote_findings(const Client& c, std::vector<Finding>& out) {
  const RemoteFacts& v = *c.remote;
  const auto add = [&](const char* id, const char* proto, std::string evidence, std::uint64_t count) {
    if (count) out.push_back(Finding{id, proto, std::move(evidence), count});
  };
  add("pptp", "pptp", "PPTP control connections (MS-CHAPv2, broken) to " + keys(v.pptp_servers, 3), v.pptp.count);
  add("ike-aggressive", "ike",
      "IKEv1 Aggressive Mode (a PSK hash anyone on the path can crack offline), proposing " +
          keys(v.ike_v1_proposals, 3),
      v.ike_v1_aggressive.count);
  add("ike-v1", "ike", "IKEv1 Main Mode proposing " + keys(v.ike_v1_proposals, 4) + " to " + keys(v.ike_servers, 3),
      v.ike_v1_main_mode.count);
  const std::uint64_t dtls10 = v.dtls_negotiated.count("dtls1.0");
  if (dtls10)
    add("dtls1.0", "dtls", "negotiated DTLS 1.0 with " + keys(v.dtls_servers, 3), dtls10);
  else
    add("dtls1.0", "dtls", "offers at most DTLS 1.0 to " + keys(v.dtls_servers, 3),
        v.dtls_max_version_offered.count("dtls1.0"));
  add("rdp-standard-security", "rdp",
      "the RDP server chose standard RDP security (RC4, no NLA) for this client: " + keys(v.rdp_servers, 3),
      v.rdp_standard_security.count);
}

}  // namespace legacyscan::passive
