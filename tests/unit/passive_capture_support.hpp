// SPDX-License-Identifier: Apache-2.0
// Helpers of the passive tests on lab captures: tshark's decoding of a file (the expectations) and
// the rewriting of a classic pcap frame by frame (segmentation offload, NetBIOS ports), in memory and
// to a temporary file that tshark reads too.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::passive::testing {

inline const std::string kPcapDir = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/pcap/";

inline std::string read_binary(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// tshark -r FILE -Y FILTER -T fields -e F1 -e F2 ...: one row per packet, one string per field
// (several occurrences of a field come comma-separated). The test fails when tshark does.
// `options` go before the filter (e.g. "-d tcp.port==3389,tls").
inline std::vector<std::vector<std::string>> tshark_fields(const std::string& file, const std::string& filter,
                                                           const std::vector<std::string>& fields,
                                                           const std::string& options = "") {
  std::string cmd = "tshark -n " + options + " -r '" + file + "' -Y '" + filter + "' -T fields -E separator=/t";
  for (const auto& f : fields) cmd += " -e " + f;
  cmd += " 2>/dev/null";
  std::vector<std::vector<std::string>> rows;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) {
    ADD_FAILURE() << "cannot run " << cmd;
    return rows;
  }
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  EXPECT_EQ(::pclose(p), 0) << cmd;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> row;
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
      row.push_back(line.substr(start, tab - start));
    row.push_back(line.substr(start));
    row.resize(fields.size());
    rows.push_back(row);
  }
  return rows;
}

// A classic little-endian pcap with every frame passed through `edit` (which may change bytes, not the
// length).
inline std::string rewrite_pcap(const std::string& pcap, const std::function<void(std::uint8_t*, std::size_t)>& edit) {
  std::string out = pcap;
  std::size_t off = 24;
  while (off + 16 <= out.size()) {
    const auto* h = reinterpret_cast<const std::uint8_t*>(out.data() + off);
    const std::size_t caplen = h[8] | (h[9] << 8) | (h[10] << 16) | (static_cast<std::size_t>(h[11]) << 24);
    if (off + 16 + caplen > out.size()) break;
    edit(reinterpret_cast<std::uint8_t*>(out.data() + off + 16), caplen);
    off += 16 + caplen;
  }
  return out;
}

// Writes `data` to a temporary file (removed by the destructor) for tshark.
struct TempCapture {
  std::string path;
  explicit TempCapture(const std::string& data, const std::string& name) {
    path = ::testing::TempDir() + "/passive-" + std::to_string(::getpid()) + "-" + name + ".pcap";
    std::ofstream(path, std::ios::binary) << data;
  }
  ~TempCapture() { std::remove(path.c_str()); }
  TempCapture(const TempCapture&) = delete;
  TempCapture& operator=(const TempCapture&) = delete;
};

}  // namespace legacyscan::passive::testing
