// SPDX-License-Identifier: Apache-2.0
// Replays fuzz inputs through the libFuzzer targets without libFuzzer, so the ordinary and the
// sanitizer builds run every committed corpus and regression input as a test.
// Usage: legacyscan_fuzz_replay TARGET FILE_OR_DIR...   (TARGET: fuzz_<name>, see tests/fuzz/)
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

using FuzzEntry = int (*)(const std::uint8_t*, std::size_t);
const std::map<std::string, FuzzEntry>& fuzz_targets();

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s TARGET FILE_OR_DIR...\ntargets:", argv[0]);
    for (const auto& [name, fn] : fuzz_targets()) std::fprintf(stderr, " %s", name.c_str());
    std::fprintf(stderr, "\n");
    return 2;
  }
  auto it = fuzz_targets().find(argv[1]);
  if (it == fuzz_targets().end()) {
    std::fprintf(stderr, "replay: no fuzz target %s\n", argv[1]);
    return 2;
  }
  const FuzzEntry run_one = it->second;
  std::size_t count = 0;
  auto run = [&](const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    run_one(bytes.data(), bytes.size());
    ++count;
  };
  for (int i = 2; i < argc; ++i) {
    const fs::path p(argv[i]);
    if (fs::is_directory(p)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) run(f);
    } else if (fs::is_regular_file(p)) {
      run(p);
    } else {
      std::fprintf(stderr, "replay: %s: no such file or directory\n", argv[i]);
      return 2;
    }
  }
  // The empty input and a few degenerate ones, which every decoder must survive.
  const std::uint8_t zeros[64] = {};
  run_one(zeros, 0);
  run_one(zeros, 1);
  run_one(zeros, sizeof zeros);
  std::printf("%s: replayed %zu inputs\n", argv[1], count);
  return count == 0 ? 1 : 0;
}
