// SPDX-License-Identifier: Apache-2.0
#include "probes/kerberos/kerberos_enumerate.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <string>
#include <vector>

#include "legacyscan/engine/async.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"

namespace legacyscan::kerberos {

namespace asio = boost::asio;

asio::awaitable<void> enumerate_etypes(Scan& s, KerberosResult& result) {
  // Every enumerated etype x {alone, with AES} x {udp, tcp}, concurrently.
  const auto etypes = enumerated_etypes();
  std::vector<Transport> transports;
  if (result.udp.outcome.ok()) transports.push_back(Transport::udp);
  if (result.tcp.outcome.ok()) transports.push_back(Transport::tcp);
  const std::size_t per_etype = 2 * transports.size();
  std::vector<int> attempts(etypes.size() * per_etype, 0);
  auto answers = co_await all_of<EtypeAnswer>(etypes.size() * per_etype, [&](std::size_t i) {
    const auto& e = etypes[i / per_etype];
    const std::size_t k = i % per_etype;
    const bool with_aes = k % 2 == 1;
    const Transport t = transports[k / 2];
    std::vector<std::int32_t> offer{e.number};
    std::optional<std::int32_t> companion;
    if (with_aes && e.number != kEtypeAes256CtsHmacSha196) {
      offer.push_back(kEtypeAes256CtsHmacSha196);
      companion = kEtypeAes256CtsHmacSha196;
    }
    return check(s, t, offer, companion, &attempts[i]);
  });
  auto xp = co_await all_of<EtypeAnswer>(transports.size(), [&](std::size_t i) {
    const auto& offer = windows_xp_offer();
    return check(s, transports[i], std::vector<std::int32_t>(offer.etypes.begin(), offer.etypes.end()), std::nullopt);
  });

  auto skipped = [](const TransportInfo& t) {
    EtypeAnswer a;
    a.verdict = EtypeVerdict::no_answer;
    a.outcome = t.outcome;
    a.detail = "transport did not answer: " + t.outcome.reason;
    return a;
  };
  for (std::size_t ei = 0; ei < etypes.size(); ++ei) {
    EtypeRow row;
    row.etype = etypes[ei].number;
    row.name = std::string(etypes[ei].name);
    row.udp_alone = row.udp_with_aes = skipped(result.udp);
    row.tcp_alone = row.tcp_with_aes = skipped(result.tcp);
    for (std::size_t k = 0; k < per_etype; ++k) {
      const std::size_t i = ei * per_etype + k;
      const bool with_aes = k % 2 == 1;
      const Transport t = transports[k / 2];
      EtypeAnswer& slot = t == Transport::udp ? (with_aes ? row.udp_with_aes : row.udp_alone)
                                              : (with_aes ? row.tcp_with_aes : row.tcp_alone);
      slot = std::move(answers[i]);
      if (t == Transport::udp) result.udp.max_attempts = std::max(result.udp.max_attempts, attempts[i]);
    }
    result.etypes.push_back(std::move(row));
  }
  OfferResult xo;
  xo.name = std::string(windows_xp_offer().name);
  xo.source = std::string(windows_xp_offer().source);
  xo.offered.assign(windows_xp_offer().etypes.begin(), windows_xp_offer().etypes.end());
  xo.udp = skipped(result.udp);
  xo.tcp = skipped(result.tcp);
  for (std::size_t i = 0; i < transports.size(); ++i) (transports[i] == Transport::udp ? xo.udp : xo.tcp) = xp[i];
  result.xp_offer = std::move(xo);

  // Facts gathered from every answer.
  auto gather = [&](const EtypeAnswer& a, bool udp_answer) {
    if (a.as_rep) result.asrep_roastable = true;
    if (udp_answer && a.error_code == KRB_ERR_RESPONSE_TOO_BIG) result.udp.too_big_seen = true;
    if (result.preauth_types.empty() && a.error_code == KDC_ERR_PREAUTH_REQUIRED)
      for (auto t : a.padata_types) result.preauth_types.push_back(padata_name(t));
    for (const auto& e : a.etype_info2) {
      const std::string n = etype_name(e.etype);
      if (e.salt && std::none_of(result.salts.begin(), result.salts.end(), [&](const auto& p) { return p.first == n; }))
        result.salts.emplace_back(n, *e.salt);
    }
    if (!result.clock_skew_seconds && a.clock_skew_seconds) {
      result.clock_skew_seconds = a.clock_skew_seconds;
      result.kdc_time = a.kdc_time;
    }
  };
  for (const auto& row : result.etypes) {
    gather(row.tcp_alone, false);
    gather(row.tcp_with_aes, false);
    gather(row.udp_alone, true);
    gather(row.udp_with_aes, true);
  }
  gather(result.xp_offer->tcp, false);
  gather(result.xp_offer->udp, true);
}

}  // namespace legacyscan::kerberos
