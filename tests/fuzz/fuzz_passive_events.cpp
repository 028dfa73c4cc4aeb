// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the Windows event export reader (Get-WinEvent JSON, Export-Csv or Event XML) and the
// renderings of what it found. Seeds: tests/data/events.
#include <cstdint>
#include <string>

#include "legacyscan/json_text.hpp"
#include "src/passive/passive.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan::passive;
  Report r;
  (void)read_events_text(std::string(reinterpret_cast<const char*>(data), size), "fuzz", r);
  (void)legacyscan::json_text(to_json(r));
  (void)to_table(r);
  (void)to_csv(r);
  return 0;
}
