// SPDX-License-Identifier: Apache-2.0
#include "probes/vpn/vpn_ike.hpp"

#include <algorithm>
#include <random>

#include "legacyscan/engine/net.hpp"
#include "src/proto/ike/ike_codec.hpp"

namespace legacyscan::vpn {

namespace asio = boost::asio;
using ike::V1Transform;
using ike::V2Transform;

namespace {

// What a Windows, Cisco or strongSwan initiator has offered over the years (RFC 2409 Appendix A).
constexpr std::uint16_t kV1Groups[] = {1, 2, 5, 14, 15, 16, 19, 20, 21};

// The candidates in groups of one authentication method each: a responder may answer with the auth
// method of the first transform whatever it picked (strongSwan does), so an exchange never mixes them.
std::vector<std::vector<V1Transform>> v1_candidates() {
  const std::pair<std::uint16_t, std::uint16_t> encs[] = {{ike::v1::kEncDes, 0},
                                                          {ike::v1::kEnc3Des, 0},
                                                          {ike::v1::kEncAes, 128},
                                                          {ike::v1::kEncAes, 192},
                                                          {ike::v1::kEncAes, 256}};
  const std::uint16_t hashes[] = {ike::v1::kHashMd5, ike::v1::kHashSha1, ike::v1::kHashSha256, ike::v1::kHashSha384,
                                  ike::v1::kHashSha512};
  const std::uint16_t auths[] = {ike::v1::kAuthPsk, ike::v1::kAuthRsaSig};
  std::vector<std::vector<V1Transform>> out;
  for (auto a : auths) {
    std::vector<V1Transform> all;
    for (auto [enc, bits] : encs)
      for (auto h : hashes)
        for (auto g : kV1Groups) all.push_back({enc, bits, h, a, g, 28800});
    for (std::size_t start = 0; start < all.size(); start += kTransformsPerExchange) {
      const auto end = std::min(all.size(), start + kTransformsPerExchange);
      out.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(start),
                       all.begin() + static_cast<std::ptrdiff_t>(end));
    }
  }
  return out;
}

}  // namespace

Bytes random_spi() {
  static std::mt19937_64 rng{std::random_device{}()};
  Bytes spi(8);
  auto v = rng();
  for (auto& b : spi) {
    b = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
  if (std::all_of(spi.begin(), spi.end(), [](auto b) { return b == 0; })) spi[0] = 1;
  return spi;
}

void add_vendor_ids(std::vector<VendorId>& into, const ike::Message& m) {
  for (const auto& v : m.vendor_ids) {
    VendorId id{to_hex(v), ike::vendor_id_name(v)};
    if (std::none_of(into.begin(), into.end(), [&](const VendorId& x) { return x.hex == id.hex; })) into.push_back(id);
  }
}

namespace {

// One request and its answer: a datagram that decodes as IKE for our initiator SPI.
struct Answer {
  Outcome outcome;
  std::optional<ike::Message> message;
  int attempts = 0;
};

asio::awaitable<Answer> exchange(ProbeContext& ctx, std::uint16_t port, const Bytes& request, const Bytes& spi,
                                 bool marker) {
  Answer a;
  std::string bad;
  UdpExchange how;
  how.port = port;
  how.accept = [&](ByteView d) {
    auto m = ike::decode_message(d, marker);
    if (!m) {
      bad = m.error;
      return false;
    }
    return std::equal(spi.begin(), spi.end(), m->initiator_spi.begin(), m->initiator_spi.end());
  };
  // Every argument of a co_await is a named object: GCC 12 may destroy a temporary there twice.
  const Bytes datagram = marker ? ike::with_non_esp_marker(request) : request;
  auto reply = co_await udp_exchange(ctx, datagram, how);
  a.attempts = reply.attempts;
  a.outcome = reply.outcome;
  if (!reply.outcome.ok()) {
    if (!bad.empty()) a.outcome.reason += " (last datagram malformed: " + bad + ")";
    co_return a;
  }
  a.message = *ike::decode_message(reply.datagram, marker);
  co_return a;
}

// The distinct notify names of an answer, in order (a flood of one notify reads as one name).
std::string notify_list(const ike::Message& m) {
  std::vector<std::string> names;
  for (const auto& n : m.notifies) {
    auto name = ike::notify_name(m.major_version, n.type);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  }
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string transform_text(const V1Transform& t) {
  return ike::v1_enc_name(t.enc, t.key_length) + "/" + ike::v1_hash_name(t.hash) + "/" + ike::v1_auth_name(t.auth) +
         "/" + ike::group_name(t.group);
}

IkeTransform accepted(const V1Transform& t) {
  return {ike::v1_enc_name(t.enc, t.key_length),
          ike::v1_hash_name(t.hash),
          ike::v1_auth_name(t.auth),
          ike::group_name(t.group),
          t.group,
          transform_verdict(t.enc, t.hash, t.group)};
}

// Aggressive Mode with PSK, one group per exchange (the KE payload is for one group), with the
// transforms Main Mode found; or, when Main Mode found none, the classic 3DES/SHA1/modp1024.
asio::awaitable<AggressiveMode> aggressive(ProbeContext& ctx, std::uint16_t port, const std::vector<V1Transform>& found,
                                           const std::string& id) {
  AggressiveMode out;
  std::vector<V1Transform> psk;
  for (const auto& t : found)
    if (t.auth == ike::v1::kAuthPsk) psk.push_back(t);
  if (psk.empty()) psk.push_back({ike::v1::kEnc3Des, 0, ike::v1::kHashSha1, ike::v1::kAuthPsk, 2, 28800});
  std::vector<std::uint16_t> groups;
  for (const auto& t : psk)
    if (std::find(groups.begin(), groups.end(), t.group) == groups.end()) groups.push_back(t.group);
  for (auto g : groups) {
    ike::V1Request req{random_spi(), true, {}, id, true};
    for (const auto& t : psk)
      if (t.group == g) req.transforms.push_back(t);
    const Bytes request = ike::encode_v1_request(req);
    auto a = co_await exchange(ctx, port, request, req.initiator_spi, false);
    out.outcome = a.outcome;
    if (!a.outcome.ok()) co_return out;
    const auto& m = *a.message;
    if (m.exchange == ike::kExchangeAggressive && !m.v1_transforms.empty()) {
      out.accepted = true;
      out.transform = transform_text(m.v1_transforms.front());
      // The responder's HASH_R authenticates with the PSK: dropped here, never stored or printed.
      out.hash_withheld = std::find(m.payloads.begin(), m.payloads.end(), 8) != m.payloads.end();
      co_return out;
    }
    out.answer = m.encrypted ? "encrypted informational" : notify_list(m);
  }
  co_return out;
}

}  // namespace

asio::awaitable<IkeV1Info> scan_ike_v1(ProbeContext& ctx, std::uint16_t port, std::optional<std::uint16_t> nat_t_port,
                                       const std::string& aggressive_id, bool behind_marker) {
  IkeV1Info info;
  info.port = port;
  const auto chunks = v1_candidates();
  for (const auto& c : chunks) info.offered += static_cast<int>(c.size());
  std::vector<V1Transform> found;
  bool answered = false;
  for (auto chunk : chunks) {
    // Each answer that picks a transform removes it; the chunk is done at NO-PROPOSAL-CHOSEN. A
    // responder that picks what was not offered ends the enumeration: nothing it says can be trusted.
    while (!chunk.empty()) {
      ike::V1Request req{random_spi(), false, chunk, {}, true};
      const Bytes request = ike::encode_v1_request(req);
      auto a = co_await exchange(ctx, port, request, req.initiator_spi, behind_marker);
      ++info.exchanges;
      if (!a.outcome.ok()) {
        if (!answered) {
          info.outcome = a.outcome;
          co_return info;
        }
        info.anomaly =
            "stopped answering after " + std::to_string(info.exchanges - 1) + " exchanges: " + a.outcome.reason;
        break;
      }
      answered = true;
      const auto& m = *a.message;
      add_vendor_ids(info.vendor_ids, m);
      if (m.v1_transforms.empty()) break;  // NO-PROPOSAL-CHOSEN (or another refusal)
      const auto chosen = std::find(chunk.begin(), chunk.end(), m.v1_transforms.front());
      if (chosen == chunk.end()) {
        info.anomaly =
            "the responder chose a transform that was not offered: " + transform_text(m.v1_transforms.front());
        break;
      }
      found.push_back(*chosen);
      info.transforms.push_back(accepted(*chosen));
      chunk.erase(chosen);
    }
    if (!info.anomaly.empty()) break;
  }
  if (!aggressive_id.empty()) info.aggressive_mode = co_await aggressive(ctx, port, found, aggressive_id);
  if (nat_t_port) {
    NatT n;
    n.port = *nat_t_port;
    for (const auto& v : info.vendor_ids)
      if (v.name.find("NAT-T") != std::string::npos) n.announced.push_back(v.name);
    std::vector<V1Transform> offer = found;
    if (offer.empty()) offer = chunks.front();
    if (offer.size() > kTransformsPerExchange) offer.resize(kTransformsPerExchange);
    ike::V1Request req{random_spi(), false, offer, {}, true};
    const Bytes request = ike::encode_v1_request(req);
    auto a = co_await exchange(ctx, *nat_t_port, request, req.initiator_spi, true);
    n.outcome = a.outcome;
    n.answered = a.outcome.ok();
    info.nat_t = n;
  }
  co_return info;
}

}  // namespace legacyscan::vpn
