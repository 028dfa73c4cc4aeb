// SPDX-License-Identifier: Apache-2.0
#include "legacyscan/engine/target.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <sstream>

#include "legacyscan/engine/input_file.hpp"

namespace legacyscan {

namespace ip = boost::asio::ip;

namespace {

std::optional<ip::address> parse_address(std::string_view s) {
  boost::system::error_code ec;
  auto a = ip::make_address(std::string(s), ec);
  if (ec) return std::nullopt;
  return a;
}

bool parse_uint(std::string_view s, std::uint64_t max, std::uint64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out <= max;
}

// RFC 1123 host name: labels of letters, digits and hyphens (underscore tolerated for AD names),
// 1-63 characters each, not starting or ending with a hyphen; 253 characters in all.
bool valid_hostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  if (s.back() == '.') s.remove_suffix(1);
  std::size_t start = 0;
  bool all_numeric = true;
  while (start <= s.size()) {
    std::size_t end = s.find('.', start);
    if (end == std::string_view::npos) end = s.size();
    const auto label = s.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
      if (!std::isdigit(static_cast<unsigned char>(c))) all_numeric = false;
    }
    start = end + 1;
  }
  return !all_numeric;  // "10.0.0.256" is a bad address, not a name
}

// "::1:445" and "fd00::5:4450" read as an address with a port, the way a host:port is written, but they
// are also valid addresses (the port as the last group), so neither reading is guessed: the error says how
// to write each. A last group that cannot be one of an address ("::1:44500") is a port written without
// brackets. "" when the text does not look like an address and a port.
std::string ipv6_port_hint(std::string_view body, bool valid_address) {
  const auto colon = body.rfind(':');
  const auto head = body.substr(0, colon), last = body.substr(colon + 1);
  std::uint64_t port = 0;
  if (last.empty() || !std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      !parse_uint(last, 65535, port) || port == 0)
    return {};
  const auto a = parse_address(head);
  if (!a || !a->is_v6()) return {};
  const std::string bracketed = "[" + std::string(head) + "]:" + std::string(last);
  if (!valid_address) return "not a valid IPv6 address; for port " + std::string(last) + " write " + bracketed;
  return "ambiguous: write " + bracketed + " for port " + std::string(last) + " of " + std::string(head) + ", or [" +
         std::string(body) + "] for that address";
}

TargetError bad(std::string_view text, std::string reason) {
  return TargetError{std::string(text), std::move(reason), "argument"};
}

std::uint32_t v4(const ip::address& a) { return a.to_v4().to_uint(); }

}  // namespace

ip::address TargetSpec::address_at(std::uint64_t index) const {
  if (first.is_v4()) return ip::address_v4(static_cast<std::uint32_t>(v4(first) + index));
  auto bytes = first.to_v6().to_bytes();
  // Add index to the low 64 bits (CIDR expansion is capped far below that).
  std::uint64_t carry = index;
  for (int i = 15; i >= 0 && carry != 0; --i) {
    const std::uint64_t sum = bytes[static_cast<std::size_t>(i)] + (carry & 0xff);
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(sum & 0xff);
    carry = (carry >> 8) + (sum >> 8);
  }
  return ip::address_v6(bytes, first.to_v6().scope_id());
}

std::variant<TargetSpec, TargetError> parse_target(std::string_view text) {
  TargetSpec spec;
  spec.text = std::string(text);
  std::string_view body = text;
  if (body.empty()) return bad(text, "empty target");
  for (char c : body)
    if (std::isspace(static_cast<unsigned char>(c))) return bad(text, "target contains white space");

  // [v6]:port or [v6]
  if (body.front() == '[') {
    const auto close = body.find(']');
    if (close == std::string_view::npos) return bad(text, "missing ']' after IPv6 address");
    const auto inner = body.substr(1, close - 1);
    auto rest = body.substr(close + 1);
    if (!rest.empty()) {
      std::uint64_t port = 0;
      if (rest.front() != ':' || !parse_uint(rest.substr(1), 65535, port) || port == 0)
        return bad(text, "expected ':PORT' (1-65535) after ']'");
      spec.port = static_cast<std::uint16_t>(port);
    }
    auto a = parse_address(inner);
    if (!a || !a->is_v6()) return bad(text, "not an IPv6 address inside brackets");
    spec.kind = TargetSpec::Kind::address;
    spec.first = *a;
    return spec;
  }

  // A bare IPv6 literal (more than one colon), possibly with /prefix.
  if (std::count(body.begin(), body.end(), ':') >= 2) {
    const auto slash = body.find('/');
    auto a = parse_address(body.substr(0, slash));
    if (slash == std::string_view::npos)
      if (auto port_hint = ipv6_port_hint(body, a.has_value()); !port_hint.empty()) return bad(text, port_hint);
    if (!a || !a->is_v6()) return bad(text, "not a valid IPv6 address");
    spec.first = *a;
    if (slash == std::string_view::npos) return spec;
    std::uint64_t prefix = 0;
    if (!parse_uint(body.substr(slash + 1), 128, prefix)) return bad(text, "IPv6 prefix length must be 0-128");
    if (prefix < 104) return bad(text, "IPv6 CIDR larger than /104 (16M addresses) is not scanned");
    auto bytes = a->to_v6().to_bytes();
    for (std::size_t bit = prefix; bit < 128; ++bit) bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80 >> (bit % 8)));
    spec.kind = TargetSpec::Kind::cidr;
    spec.first = ip::address_v6(bytes);
    spec.count = 1ULL << (128 - prefix);
    return spec;
  }

  // host:port (one colon)
  if (const auto colon = body.find(':'); colon != std::string_view::npos) {
    std::uint64_t port = 0;
    if (!parse_uint(body.substr(colon + 1), 65535, port) || port == 0)
      return bad(text, "port after ':' must be a number 1-65535");
    spec.port = static_cast<std::uint16_t>(port);
    body = body.substr(0, colon);
    if (body.empty()) return bad(text, "missing host before ':'");
  }

  if (const auto slash = body.find('/'); slash != std::string_view::npos) {
    auto a = parse_address(body.substr(0, slash));
    if (!a || !a->is_v4()) return bad(text, "CIDR needs an IPv4 or IPv6 network address before '/'");
    std::uint64_t prefix = 0;
    if (!parse_uint(body.substr(slash + 1), 32, prefix)) return bad(text, "IPv4 prefix length must be 0-32");
    const std::uint64_t count = 1ULL << (32 - prefix);
    if (count > kMaxAddressesPerSpec) return bad(text, "CIDR larger than /8 is not scanned");
    const std::uint32_t mask = prefix == 0 ? 0 : ~0u << (32 - prefix);
    spec.kind = TargetSpec::Kind::cidr;
    spec.first = ip::address_v4(v4(*a) & mask);
    spec.count = count;
    return spec;
  }

  if (const auto dash = body.find('-'); dash != std::string_view::npos && parse_address(body.substr(0, dash))) {
    auto a = parse_address(body.substr(0, dash));
    if (!a->is_v4()) return bad(text, "ranges are IPv4 only (use CIDR for IPv6)");
    const auto end_text = body.substr(dash + 1);
    std::uint32_t last = 0;
    std::uint64_t octet = 0;
    if (parse_uint(end_text, 255, octet)) {
      last = (v4(*a) & 0xffffff00u) | static_cast<std::uint32_t>(octet);
    } else if (auto b = parse_address(end_text); b && b->is_v4()) {
      last = v4(*b);
    } else {
      return bad(text, "range end must be a last octet (0-255) or an IPv4 address");
    }
    if (last < v4(*a)) return bad(text, "range end is before its start");
    spec.kind = TargetSpec::Kind::range;
    spec.first = *a;
    spec.count = static_cast<std::uint64_t>(last) - v4(*a) + 1;
    if (spec.count > kMaxAddressesPerSpec) return bad(text, "range larger than 16M addresses is not scanned");
    return spec;
  }

  if (auto a = parse_address(body)) {
    spec.kind = TargetSpec::Kind::address;
    spec.first = *a;
    return spec;
  }
  if (!valid_hostname(body)) return bad(text, "not an IP address, CIDR, range or valid host name");
  spec.kind = TargetSpec::Kind::name;
  spec.name = std::string(body);
  return spec;
}

std::variant<std::vector<TargetSpec>, TargetError> read_target_file(const std::string& path) {
  std::string error;
  const auto text = read_input_file(path, error, true);
  if (!text) return TargetError{path, error.substr(path.size() + 2), "-iL"};
  std::istringstream in(*text);
  std::vector<TargetSpec> out;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    const auto e = line.find_last_not_of(" \t\r");
    auto parsed = parse_target(std::string_view(line).substr(b, e - b + 1));
    if (auto* err = std::get_if<TargetError>(&parsed)) {
      err->where = path + ":" + std::to_string(number);
      return *err;
    }
    out.push_back(std::get<TargetSpec>(std::move(parsed)));
  }
  // An empty list is a mistake (a generator that failed, the wrong file), not a scan of nothing.
  if (out.empty())
    return TargetError{
        path, text->empty() ? "the file is empty" : "no targets in the file (only comments and blank lines)", "-iL"};
  return out;
}

}  // namespace legacyscan
