// SPDX-License-Identifier: Apache-2.0
// Shared by the <probe>_result_fields tests: golden result JSON of a full lab scan (tests/data/results,
// see its README.md), and the keys docs/schema/legacyscan-result.schema.json lists for one object.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "legacyscan/engine/fields.hpp"

namespace legacyscan::test {

inline nlohmann::json load_json(const std::string& path_in_repo) {
  std::ifstream in(std::string(LEGACYSCAN_SOURCE_DIR) + "/" + path_in_repo);
  return nlohmann::json::parse(in);
}

// {"legacy/127.0.0.1": <probe JSON>, ...}: one result of the family per lab host.
inline nlohmann::json golden_results(const std::string& family) {
  return load_json("tests/data/results/" + family + ".json");
}

// Every property the schema allows in the object at `pointer` ("/$defs/smb_port"), through allOf and $ref.
inline void collect_schema_keys(const nlohmann::json& schema, const nlohmann::json& node, std::set<std::string>& keys) {
  if (node.contains("$ref")) {
    const std::string ref = node["$ref"].get<std::string>();
    collect_schema_keys(schema, schema.at(nlohmann::json::json_pointer(ref.substr(1))), keys);
  }
  if (node.contains("properties"))
    for (const auto& [k, v] : node["properties"].items()) keys.insert(k);
  if (node.contains("allOf"))
    for (const auto& part : node["allOf"]) collect_schema_keys(schema, part, keys);
}

inline std::set<std::string> schema_keys(const std::string& pointer) {
  static const nlohmann::json schema = load_json("docs/schema/legacyscan-result.schema.json");
  std::set<std::string> keys;
  collect_schema_keys(schema, schema.at(nlohmann::json::json_pointer(pointer)), keys);
  return keys;
}

// The keys T declares are exactly those the schema lists at `pointer`; `extra` are keys the schema
// lists that another writer adds (the report's elapsed_ms and ports_scanned on every probe).
template <class T>
void expect_keys_match_schema(const std::string& pointer, const std::vector<std::string>& extra = {}) {
  const auto declared = fields::keys_of<T>();
  std::set<std::string> keys(declared.begin(), declared.end());
  keys.insert(extra.begin(), extra.end());
  EXPECT_EQ(keys, schema_keys(pointer)) << pointer;
}

inline const std::vector<std::string> kReportKeys = {"elapsed_ms", "ports_scanned"};

// Every golden result of the family reads back into its struct and writes the same JSON again.
template <class Read>
void expect_round_trip(const std::string& family, Read&& read) {
  const auto golden = golden_results(family);
  ASSERT_FALSE(golden.empty());
  for (const auto& [host, j] : golden.items()) {
    const nlohmann::json again = read(j).to_json();
    EXPECT_TRUE(again == j) << family << " " << host << ": " << nlohmann::json::diff(j, again).dump();
  }
}

}  // namespace legacyscan::test
