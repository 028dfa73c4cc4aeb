// SPDX-License-Identifier: Apache-2.0
#include "src/cli/options.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "src/proto/kerberos/kerberos_keytab.hpp"
#include "src/report/report.hpp"

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
  if (number.empty() || ec != std::errc() || p != number.data() + number.size() || !std::isfinite(value) ||
      value <= 0) {
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

std::optional<Shard> parse_shard(std::string_view text, std::string& error) {
  const auto slash = text.find('/');
  unsigned long long k = 0, n = 0;
  if (slash != std::string_view::npos) {
    auto a = text.substr(0, slash), b = text.substr(slash + 1);
    auto [pa, ea] = std::from_chars(a.data(), a.data() + a.size(), k);
    auto [pb, eb] = std::from_chars(b.data(), b.data() + b.size(), n);
    if (ea == std::errc() && eb == std::errc() && pa == a.data() + a.size() && pb == b.data() + b.size() && n >= 1 &&
        k >= 1 && k <= n && n <= 1000000)
      return Shard{k, n};
  }
  error = "expected K/N with 1 <= K <= N, e.g. 2/4 (got '" + std::string(text) + "')";
  return std::nullopt;
}

std::optional<std::set<std::size_t>> read_resume_file(const std::string& path, const std::vector<TargetSpec>& targets,
                                                      std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot open " + path;
    return std::nullopt;
  }
  // Index -> the target text at that index.
  std::vector<std::pair<std::uint64_t, const TargetSpec*>> starts;
  std::uint64_t total = 0;
  for (const auto& t : targets) {
    starts.emplace_back(total, &t);
    total += t.count;
  }
  auto target_at = [&](std::uint64_t index) -> const TargetSpec* {
    for (auto it = starts.rbegin(); it != starts.rend(); ++it)
      if (index >= it->first) return index - it->first < it->second->count ? it->second : nullptr;
    return nullptr;
  };
  std::set<std::size_t> done;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      // A line cut short by a crash or an interrupt is the end of what was finished.
      break;
    }
    if (is_stream_end(j)) continue;  // the end record of a run (an earlier resume appended to the file)
    if (!j.is_object() || !j.contains("index") || !j.contains("target") || !j["index"].is_number_unsigned()) {
      error = path + ":" + std::to_string(number) + ": not a legacyscan host line (needs \"index\" and \"target\")";
      return std::nullopt;
    }
    const auto index = j["index"].get<std::uint64_t>();
    const auto* spec = target_at(index);
    if (spec && j["target"] == spec->text) done.insert(static_cast<std::size_t>(index));
  }
  return done;
}

std::optional<Credentials> resolve_credentials(const std::string& user, const std::string& password,
                                               const std::string& password_env, const std::string& password_file,
                                               const std::string& keytab, std::string& error) {
  const int sources = int(!password.empty()) + int(!password_env.empty()) + int(!password_file.empty());
  if (sources > 1) {
    error = "give the password one way only: --password, --password-env or --password-file";
    return std::nullopt;
  }
  Credentials c;
  c.user = user;
  c.password = password;
  if (!password_env.empty()) {
    const char* v = std::getenv(password_env.c_str());
    if (v == nullptr || *v == '\0') {
      error = "--password-env: environment variable " + password_env + " is not set or empty";
      return std::nullopt;
    }
    c.password = v;
  }
  if (!password_file.empty()) {
    std::ifstream f(password_file);
    if (!f) {
      error = "--password-file: cannot read " + password_file;
      return std::nullopt;
    }
    std::getline(f, c.password);
    if (!c.password.empty() && c.password.back() == '\r') c.password.pop_back();
    if (c.password.empty()) {
      error = "--password-file: the first line of " + password_file + " is empty";
      return std::nullopt;
    }
  }
  if (!keytab.empty()) {
    std::ifstream f(keytab, std::ios::binary);
    if (!f) {
      error = "--keytab: cannot read " + keytab;
      return std::nullopt;
    }
    // Read (capped) and parsed once here, so that a file that is not a keytab stops before anything is sent.
    Bytes file(kerberos::kMaxKeytabFile + 1);
    f.read(reinterpret_cast<char*>(file.data()), static_cast<std::streamsize>(file.size()));
    file.resize(static_cast<std::size_t>(f.gcount()));
    auto entries = file.size() > kerberos::kMaxKeytabFile
                       ? Decoded<std::vector<kerberos::KeytabEntry>>::fail("larger than 1 MiB")
                       : kerberos::decode_keytab(file);
    std::fill(file.begin(), file.end(), 0);
    if (entries) {
      for (auto& e : *entries) std::fill(e.key.begin(), e.key.end(), 0);
    }
    if (!entries || entries->empty()) {
      error = "--keytab: " + keytab + ": " + (entries ? std::string("a keytab without any entry") : entries.error);
      return std::nullopt;
    }
    c.keytab = keytab;
  }
  if (!c.user.empty() && c.user.find_first_of(" \t\r\n") != std::string::npos) {
    error = "--user: an account name has no spaces or line breaks";
    return std::nullopt;
  }
  if ((!c.password.empty() || !c.keytab.empty()) && c.user.empty()) {
    error = "a password or keytab needs --user";
    return std::nullopt;
  }
  return c;
}

}  // namespace legacyscan::cli
