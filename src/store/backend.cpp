// SPDX-License-Identifier: Apache-2.0
#include "src/store/backend.hpp"

#include <algorithm>

namespace legacyscan::store {

namespace {

// Rows a single INSERT carries: SQLite takes up to 32,766 parameters in one statement, PostgreSQL 65,535.
constexpr std::size_t kRowsPerInsert = 256;

}  // namespace

void insert_rows(Backend& db, std::string_view table, std::string_view columns, const std::vector<std::string>& prefix,
                 const std::vector<std::vector<std::string>>& rows) {
  for (std::size_t first = 0; first < rows.size(); first += kRowsPerInsert) {
    const std::size_t n = std::min(kRowsPerInsert, rows.size() - first);
    std::string one = "(";
    for (std::size_t c = 0; c < prefix.size() + rows[first].size(); ++c) one += c ? ",?" : "?";
    one += ")";
    std::string sql = "INSERT INTO " + std::string(table) + "(" + std::string(columns) + ") VALUES ";
    for (std::size_t r = 0; r < n; ++r) sql += (r ? "," : "") + one;
    const auto q = db.prepare(sql);
    int param = 0;
    for (std::size_t r = first; r < first + n; ++r) {
      for (const auto& value : prefix) q->bind(++param, value);
      for (const auto& value : rows[r]) q->bind(++param, value);
    }
    q->run();
  }
}

}  // namespace legacyscan::store
