// SPDX-License-Identifier: Apache-2.0
#include "src/cli/options.hpp"

#include <charconv>
#include <cmath>

namespace legacyscan::cli {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text, std::string& error) {
  std::string_view number = text;
  double scale = 1000.0;  // seconds by default
  if (number.ends_with("ms")) {
    number.remove_suffix(2);
    scale = 1.0;
  } else if (number.ends_with('s')) {
    number.remove_suffix(1);
  } else if (number.ends_with('m')) {
    number.remove_suffix(1);
    scale = 60000.0;
  }
  double value = 0;
  auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || p != number.data() + number.size() || !std::isfinite(value) || value <= 0) {
    error = "bad duration '" + std::string(text) + "': use e.g. 3s, 500ms, 1.5s, 2m";
    return std::nullopt;
  }
  const double ms = value * scale;
  if (ms < 1 || ms > 3'600'000) {
    error = "duration '" + std::string(text) + "' out of range (1ms to 1h)";
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<long long>(std::llround(ms)));
}

std::optional<PortSelection> parse_ports(std::string_view text, std::string& error) {
  PortSelection sel;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    auto item = text.substr(start, end - start);
    start = end + 1;
    if (item.empty()) {
      error = "empty entry in port list '" + std::string(text) + "'";
      return std::nullopt;
    }
    std::string probe;
    if (auto colon = item.find(':'); colon != std::string_view::npos) {
      probe = std::string(item.substr(0, colon));
      item = item.substr(colon + 1);
      if (!find_probe(probe)) {
        error = "unknown probe '" + probe + "' in --ports (see 'legacyscan probes')";
        return std::nullopt;
      }
    }
    unsigned value = 0;
    auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (item.empty() || ec != std::errc() || p != item.data() + item.size() || value == 0 || value > 65535) {
      error = "bad port '" + std::string(item) + "' in --ports: use numbers 1-65535, optionally PROBE:PORT";
      return std::nullopt;
    }
    const auto port = static_cast<std::uint16_t>(value);
    if (probe.empty())
      sel.any.push_back(port);
    else
      sel.per_probe[probe].push_back(port);
    if (end == text.size()) break;
  }
  return sel;
}

}  // namespace legacyscan::cli
