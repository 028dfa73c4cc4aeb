// SPDX-License-Identifier: Apache-2.0
#include "probes/ldap/ldap_ping.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <utility>

#include "legacyscan/engine/net.hpp"
#include "probes/ldap/ldap_connection.hpp"

namespace legacyscan::ldap {

namespace asio = boost::asio;

namespace {

// Turns a search answer into the ping's result.
void interpret_ping(CldapPing& p, const SearchResponse& s) {
  auto answer = ldap_ping_response(s);
  if (!answer) {
    p.outcome = Outcome::failure(Status::protocol_error, answer.error);
    return;
  }
  if (!answer->has_value()) {
    p.no_entry = true;  // [MS-ADTS] 6.3.3.2: no entry when the DC is not a match for the filter
    return;
  }
  p.response = std::move(**answer);
}

// A ping's result before the answer: where it went and what it asked for.
CldapPing requested(std::string transport, std::uint16_t port, const LdapPing& ping) {
  CldapPing p;
  p.transport = std::move(transport);
  p.port = port;
  p.nt_version_requested = ping.NtVer;
  p.dns_domain_requested = ping.DnsDomain;
  p.user_requested = ping.User;
  p.aac_requested = ping.AAC;
  return p;
}

}  // namespace

asio::awaitable<CldapPing> udp_ping(ProbeContext& ctx, std::uint16_t port, const LdapPing& ping) {
  CldapPing p = requested("udp", port, ping);
  constexpr std::int32_t id = 1;  // each exchange has its own socket, so no stale answer can match
  const Bytes request = encode_search_request(id, make_ldap_ping(ping));
  UdpExchange how;
  how.port = port;
  // Every datagram from the DC is taken: a malformed one is a protocol error worth reporting, not
  // something to wait out. Only an answer to another request (a different messageID) is ignored.
  how.accept = [](ByteView d) {
    auto m = decode_ldap_messages(d);
    return !m || m->empty() || m->front().messageID == id || m->front().messageID == 0;
  };
  auto reply = co_await udp_exchange(ctx, request, how);
  p.attempts = reply.attempts;
  if (!reply.outcome.ok()) {
    p.outcome = reply.outcome;
    co_return p;
  }
  auto messages = decode_ldap_messages(reply.datagram);
  if (!messages) {
    p.outcome = Outcome::failure(Status::protocol_error, "malformed CLDAP reply: " + messages.error);
    co_return p;
  }
  auto search = collect_search_response(*messages, id);
  if (!search) {
    p.outcome = Outcome::failure(Status::protocol_error, "CLDAP reply: " + search.error);
    co_return p;
  }
  interpret_ping(p, *search);
  co_return p;
}

asio::awaitable<CldapPing> tcp_ping(ProbeContext& ctx, std::uint16_t port, const LdapPing& ping) {
  CldapPing p = requested("tcp", port, ping);
  SearchResponse s;
  p.outcome = co_await tcp_search(ctx, port, make_ldap_ping(ping), s);
  if (p.outcome.ok()) interpret_ping(p, s);
  co_return p;
}

std::optional<std::uint32_t> parse_aac(const std::string& text, std::string& err) {
  static const std::pair<const char*, std::uint32_t> kNames[] = {
      {"normal", 0x00000010}, {"interdomain", 0x00000040}, {"workstation", 0x00000080}, {"server", 0x00000100}};
  std::uint32_t bits = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    bool known = false;
    for (const auto& [name, bit] : kNames)
      if (item == name) {
        bits |= bit;
        known = true;
      }
    if (!known) {
      std::size_t used = 0;
      unsigned long v = 0;
      try {
        v = std::stoul(item, &used, 0);
      } catch (const std::exception&) {
        used = 0;
      }
      if (item.empty() || used != item.size() || v > 0xffffffffUL) {
        err = "'" + item + "' is neither a number nor one of normal, workstation, server, interdomain";
        return std::nullopt;
      }
      bits |= static_cast<std::uint32_t>(v);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return bits;
}

}  // namespace legacyscan::ldap
