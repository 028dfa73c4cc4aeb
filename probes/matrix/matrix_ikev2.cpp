// SPDX-License-Identifier: Apache-2.0
#include "probes/matrix/matrix_ikev2.hpp"

#include <algorithm>
#include <random>

#include "legacyscan/engine/net.hpp"
#include "legacyscan/strings.hpp"
#include "src/proto/ike/ike_codec.hpp"

namespace legacyscan::matrix {

namespace asio = boost::asio;

namespace {

constexpr int kRounds = 3;  // the first offer, a COOKIE echo, an INVALID_KE_PAYLOAD retry

Bytes initiator_spi() {
  static std::mt19937_64 rng{std::random_device{}()};
  Bytes spi;
  auto v = rng() | 1;  // RFC 7296 3.1: never zero
  for (int i = 0; i < 8; ++i, v >>= 8) spi.push_back(static_cast<std::uint8_t>(v));
  return spi;
}

std::vector<ike::V2Proposal> proposals_of(const VpnUse& client) {
  std::vector<ike::V2Proposal> out;
  for (const auto& p : client.ikev2) {
    ike::V2Proposal prop;
    for (const auto& t : p.transforms) prop.transforms.push_back({t.type, t.id, t.key_length});
    for (auto g : p.groups) prop.transforms.push_back({ike::v2::kDh, g, 0});
    out.push_back(std::move(prop));
  }
  return out;
}

const ike::Notify* notify_of(const ike::Message& m, std::uint16_t type) {
  const auto it =
      std::find_if(m.notifies.begin(), m.notifies.end(), [&](const ike::Notify& n) { return n.type == type; });
  return it == m.notifies.end() ? nullptr : &*it;
}

bool proposes_group(const VpnUse& client, std::uint16_t group) {
  return std::any_of(client.ikev2.begin(), client.ikev2.end(), [&](const IkeV2Offer& p) {
    return std::find(p.groups.begin(), p.groups.end(), group) != p.groups.end();
  });
}

}  // namespace

asio::awaitable<IkeV2Answer> replay_ikev2(ProbeContext& ctx, const VpnUse& client, std::uint16_t port) {
  IkeV2Answer out;
  if (client.ikev2.empty() || client.ikev2.front().groups.empty()) {
    out.outcome = Outcome::failure(Status::error, "the profile has no IKEv2 proposal");
    co_return out;
  }
  ike::V2Request req{initiator_spi(), proposals_of(client), client.ikev2.front().groups.front(), {}};
  for (int round = 0; round < kRounds; ++round) {
    const Bytes request = ike::encode_v2_request(req);
    UdpExchange how;
    how.port = port;
    how.accept = [&](ByteView d) {
      auto m = ike::decode_message(d);
      return m && m->major_version == 2 && m->initiator_spi == req.initiator_spi;
    };
    auto reply = co_await udp_exchange(ctx, request, how);
    out.outcome = reply.outcome;
    if (!reply.outcome.ok()) co_return out;
    const auto m = *ike::decode_message(reply.datagram);
    if (!m.v2_transforms.empty()) {
      for (const auto& t : m.v2_transforms) out.chosen.push_back(ike::v2_transform_name(t));
      co_return out;
    }
    if (const auto* c = notify_of(m, 16390); c && !c->data.empty() && req.cookie.empty()) {
      req.cookie = c->data;
      continue;
    }
    if (const auto* k = notify_of(m, 17); k && k->data.size() >= 2) {
      const auto wanted = static_cast<std::uint16_t>(k->data[0] << 8 | k->data[1]);
      if (wanted != req.ke_group && proposes_group(client, wanted) && out.retried_group.empty()) {
        req.ke_group = wanted;
        out.retried_group = ike::group_name(wanted);
        continue;
      }
    }
    std::vector<std::string> names;
    for (const auto& n : m.notifies) {
      auto name = ike::notify_name(2, n.type);
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
    }
    out.notify = m.encrypted ? "an encrypted answer" : join(names);
    co_return out;
  }
  out.notify = "no SA payload after " + std::to_string(kRounds) + " rounds";
  co_return out;
}

}  // namespace legacyscan::matrix
