// SPDX-License-Identifier: Apache-2.0
// What evtxexport (libevtx-utils) shows for a .evtx file, read at test time apart from legacyscan's
// own readers: the tests of the real .evtx samples compare legacyscan's facts with it.
#pragma once

#include <cstdio>
#include <map>
#include <regex>
#include <string>
#include <vector>

namespace legacyscan::passive::test {

inline std::string run(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return out;
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// Each event of evtxexport's XML as its EventID and its EventData by name (read with regular
// expressions).
struct Exported {
  int id = 0;
  std::map<std::string, std::string> data;
  [[nodiscard]] std::string get(const std::string& k) const {
    const auto it = data.find(k);
    return it == data.end() ? std::string() : it->second;
  }
};

inline std::vector<Exported> exported_events(const std::string& xml) {
  std::vector<Exported> out;
  static const std::regex event(R"re(<Event[ >][\s\S]*?</Event>)re");
  static const std::regex id(R"re(<EventID[^>]*>(\d+)</EventID>)re");
  static const std::regex data(R"re(<Data Name="([^"]+)"(?:/>|>([^<]*)</Data>))re");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), event); it != std::sregex_iterator(); ++it) {
    const std::string block = it->str();
    Exported e;
    std::smatch m;
    if (std::regex_search(block, m, id)) e.id = std::stoi(m[1]);
    for (auto d = std::sregex_iterator(block.begin(), block.end(), data); d != std::sregex_iterator(); ++d)
      e.data[(*d)[1]] = (*d)[2];
    out.push_back(std::move(e));
  }
  return out;
}

inline std::string evtxexport_xml(const std::string& path) {
  return run("evtxexport -f xml '" + path + "' 2>/dev/null");
}

}  // namespace legacyscan::passive::test
