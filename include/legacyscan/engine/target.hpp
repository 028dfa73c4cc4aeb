// SPDX-License-Identifier: Apache-2.0
// Target specifications as a user writes them, parsed strictly up front (nothing is scanned until every
// target parses) and expanded lazily into hosts, so a /16 costs no memory before it is scanned.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace legacyscan {

struct TargetSpec {
  enum class Kind { address, name, cidr, range };
  Kind kind = Kind::address;
  std::string text;                   // exactly as given (JSON "target")
  std::string name;                   // Kind::name: the host name to resolve
  boost::asio::ip::address first;     // address, cidr, range: first address
  std::uint64_t count = 1;            // how many addresses (1 for address/name)
  std::optional<std::uint16_t> port;  // host:port override

  // The index-th address of an address/cidr/range spec (index < count).
  [[nodiscard]] boost::asio::ip::address address_at(std::uint64_t index) const;
};

struct TargetError {
  std::string entry;   // the offending text
  std::string reason;  // what is wrong with it
  std::string where;   // "argument" or "FILE:LINE"
};

// Largest number of addresses one CIDR or range may expand to (an IPv4 /8).
inline constexpr std::uint64_t kMaxAddressesPerSpec = 1ULL << 24;

// Parses one target: IPv4/IPv6 literal, [v6]:port, host:port, host name, CIDR (a.b.c.d/n, v6/n),
// IPv4 range (a.b.c.d-e or a.b.c.d-a.b.c.e).
std::variant<TargetSpec, TargetError> parse_target(std::string_view text);

// Reads an -iL file: one target per line, blank lines and '#' comments ignored. Errors name FILE:LINE.
std::variant<std::vector<TargetSpec>, TargetError> read_target_file(const std::string& path);

// Deterministic 1/N split of the expanded host sequence (shard K of N, 1-based).
struct Shard {
  std::uint64_t index = 1;
  std::uint64_t count = 1;
};

}  // namespace legacyscan
