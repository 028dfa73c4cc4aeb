// SPDX-License-Identifier: Apache-2.0
// IKEv2 IKE_SA_INIT enumeration (RFC 7296 1.2, 2.6, 2.7, 3.3): one transform type at a time, the others
// offered in full. The responder picks one transform of the type under test; it is removed and the
// offer sent again, until NO_PROPOSAL_CHOSEN. INVALID_KE_PAYLOAD names the group the responder wants:
// the offer is sent again with a KE payload for it. A COOKIE is echoed (RFC 7296 2.6).
#include <algorithm>

#include "legacyscan/engine/net.hpp"
#include "probes/vpn/vpn_ike.hpp"
#include "src/proto/ike/ike_codec.hpp"

namespace legacyscan::vpn {

namespace asio = boost::asio;
using ike::V2Proposal;
using ike::V2Transform;

namespace {

constexpr int kMaxRetriesPerOffer = 4;  // cookie and INVALID_KE round trips for one offer

struct Sets {
  std::vector<V2Transform> encr, prf, integ, dh;
  std::vector<V2Transform>& of(std::uint8_t type) {
    switch (type) {
      case ike::v2::kEncr: return encr;
      case ike::v2::kPrf: return prf;
      case ike::v2::kInteg: return integ;
      default: return dh;
    }
  }
};

Sets candidates() {
  using T = V2Transform;
  constexpr auto E = ike::v2::kEncr, P = ike::v2::kPrf, I = ike::v2::kInteg, D = ike::v2::kDh;
  Sets s;
  s.encr = {T{E, 20, 128}, T{E, 20, 192}, T{E, 20, 256}, T{E, 28, 0}, T{E, 12, 128},
            T{E, 12, 192}, T{E, 12, 256}, T{E, 3, 0},    T{E, 2, 0}};
  s.prf = {T{P, 5, 0}, T{P, 6, 0}, T{P, 7, 0}, T{P, 2, 0}, T{P, 1, 0}, T{P, 4, 0}};
  s.integ = {T{I, 12, 0}, T{I, 13, 0}, T{I, 14, 0}, T{I, 2, 0}, T{I, 1, 0}, T{I, 5, 0}};
  for (std::uint16_t g : {19, 20, 21, 31, 14, 15, 16, 5, 2, 1}) s.dh.push_back(T{D, g, 0});
  return s;
}

bool aead(const V2Transform& t) { return t.id == 18 || t.id == 19 || t.id == 20 || t.id == 28; }

// RFC 7296 3.3: AEAD ciphers go in a proposal without integrity algorithms.
std::vector<V2Proposal> proposals(const Sets& s) {
  std::vector<V2Proposal> out;
  V2Proposal with_aead, with_integ;
  for (const auto& e : s.encr) (aead(e) ? with_aead : with_integ).transforms.push_back(e);
  if (!with_aead.transforms.empty()) {
    for (const auto* set : {&s.prf, &s.dh})
      with_aead.transforms.insert(with_aead.transforms.end(), set->begin(), set->end());
    out.push_back(std::move(with_aead));
  }
  if (!with_integ.transforms.empty() && !s.integ.empty()) {
    for (const auto* set : {&s.prf, &s.integ, &s.dh})
      with_integ.transforms.insert(with_integ.transforms.end(), set->begin(), set->end());
    out.push_back(std::move(with_integ));
  }
  return out;
}

const ike::Notify* find_notify(const ike::Message& m, std::uint16_t type) {
  for (const auto& n : m.notifies)
    if (n.type == type) return &n;
  return nullptr;
}

class V2Scan {
 public:
  V2Scan(ProbeContext& ctx, IkeV2Info& info) : ctx_(ctx), info_(info) {}

  // One offer, with its COOKIE and INVALID_KE round trips. nullopt: no answer (outcome in info_).
  asio::awaitable<std::optional<ike::Message>> offer(const Sets& sets, std::uint16_t& ke_group) {
    Bytes cookie;
    // The same SPI in every round: the responder's cookie is bound to it (RFC 7296 2.6).
    const Bytes spi = random_spi();
    for (int round = 0; round < kMaxRetriesPerOffer; ++round) {
      ike::V2Request req{spi, proposals(sets), ke_group, cookie};
      const Bytes request = ike::encode_v2_request(req);
      UdpExchange how;
      how.port = info_.port;
      how.accept = [&](ByteView d) {
        auto m = ike::decode_message(d);
        return m && m->major_version == 2 && m->initiator_spi == req.initiator_spi;
      };
      auto reply = co_await udp_exchange(ctx_, request, how);
      ++info_.exchanges;
      if (!reply.outcome.ok()) {
        last_ = reply.outcome;
        co_return std::nullopt;
      }
      auto m = *ike::decode_message(reply.datagram);
      note(m);
      if (const auto* c = find_notify(m, 16390); c && !c->data.empty()) {
        info_.cookie = true;
        cookie = c->data;
        continue;
      }
      if (const auto* k = find_notify(m, 17); k && k->data.size() >= 2 && m.v2_transforms.empty()) {
        const std::uint16_t wanted = static_cast<std::uint16_t>(k->data[0] << 8 | k->data[1]);
        const bool offered =
            std::any_of(sets.dh.begin(), sets.dh.end(), [&](const V2Transform& t) { return t.id == wanted; });
        if (!offered || wanted == ke_group) {
          info_.anomaly = "INVALID_KE_PAYLOAD names group " + std::to_string(wanted) + ", which was " +
                          (offered ? "the KE payload's own" : "not offered");
          co_return m;
        }
        ke_group = wanted;
        continue;
      }
      co_return m;
    }
    co_return std::nullopt;
  }

  // Removes what the responder picks of `type` until it picks nothing; returns the picks in order.
  asio::awaitable<std::vector<V2Transform>> eliminate(Sets sets, std::uint8_t type) {
    std::vector<V2Transform> picked;
    auto& remaining = sets.of(type);
    const std::size_t bound = remaining.size();
    while (!remaining.empty() && picked.size() <= bound && info_.anomaly.empty()) {
      std::uint16_t ke = sets.dh.front().id;
      auto m = co_await offer(sets, ke);
      if (!m || m->v2_transforms.empty()) break;
      auto chosen = std::find_if(m->v2_transforms.begin(), m->v2_transforms.end(),
                                 [&](const V2Transform& t) { return t.type == type; });
      auto it =
          chosen == m->v2_transforms.end() ? remaining.end() : std::find(remaining.begin(), remaining.end(), *chosen);
      if (it == remaining.end()) {
        info_.anomaly = "the responder chose a transform that was not offered";
        break;
      }
      picked.push_back(*it);
      remaining.erase(it);
    }
    co_return picked;
  }

  Outcome last_;

 private:
  void note(const ike::Message& m) {
    for (const auto& n : m.notifies) {
      const auto name = ike::notify_name(2, n.type);
      if (std::find(info_.notifies.begin(), info_.notifies.end(), name) == info_.notifies.end())
        info_.notifies.push_back(name);
      if (n.type == 16430) info_.fragmentation = true;
      if (n.type == 16406) info_.redirect = true;
    }
    add_vendor_ids(info_.vendor_ids, m);
  }

  ProbeContext& ctx_;
  IkeV2Info& info_;
};

std::vector<std::string> names(const std::vector<V2Transform>& ts) {
  std::vector<std::string> out;
  for (const auto& t : ts) out.push_back(ike::v2_transform_name(t));
  return out;
}

}  // namespace

asio::awaitable<IkeV2Info> scan_ike_v2(ProbeContext& ctx, std::uint16_t port) {
  IkeV2Info info;
  info.port = port;
  V2Scan scan(ctx, info);
  const Sets all = candidates();
  const auto groups = co_await scan.eliminate(all, ike::v2::kDh);
  if (info.exchanges == 1 && !scan.last_.ok()) {
    info.outcome = scan.last_;
    co_return info;
  }
  for (const auto& g : groups) {
    info.groups.push_back(ike::group_name(g.id));
    info.group_numbers.push_back(g.id);
  }
  if (groups.empty()) co_return info;
  // The groups it accepts, with a KE payload for the first: INVALID_KE_PAYLOAD moves the KE to the
  // group of the proposal it picks, so a cipher configured with another group is found too.
  Sets accepted_groups = all;
  accepted_groups.dh = groups;
  const auto encr = co_await scan.eliminate(accepted_groups, ike::v2::kEncr);
  info.encryption = names(encr);
  const auto prf = co_await scan.eliminate(accepted_groups, ike::v2::kPrf);
  info.prf = names(prf);
  // Integrity only matters with a non-AEAD cipher: offer those that were accepted.
  Sets with_integ = accepted_groups;
  with_integ.encr.clear();
  for (const auto& e : encr)
    if (!aead(e)) with_integ.encr.push_back(e);
  if (!with_integ.encr.empty()) {
    const auto integ = co_await scan.eliminate(with_integ, ike::v2::kInteg);
    info.integrity = names(integ);
  }
  co_return info;
}

}  // namespace legacyscan::vpn
