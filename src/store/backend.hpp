// SPDX-License-Identifier: Apache-2.0
// What the store needs from a database: statements with '?' parameters bound by position, scripts,
// write transactions and the few places where SQLite and PostgreSQL differ (the identity column, the
// catalogue, the lock that serializes migrations). The schema and every query are written once over
// it (store.cpp, history_query.cpp); sqlite.cpp and postgres.cpp implement it.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace legacyscan::store {

struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Query {
 public:
  Query() = default;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  virtual ~Query() = default;

  virtual Query& bind(int index, std::string_view text) = 0;
  virtual Query& bind(int index, std::int64_t value) = 0;
  // The next row: true while one is available.
  virtual bool step() = 0;
  // Runs a statement for its effect (or finishes one already stepped), then clears it for the next
  // binding.
  virtual void run() = 0;
  [[nodiscard]] virtual std::int64_t integer(int column) const = 0;
  [[nodiscard]] virtual std::string text(int column) const = 0;
  [[nodiscard]] virtual bool is_null(int column) const = 0;
};

class Backend {
 public:
  Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;
  virtual ~Backend() = default;

  virtual std::unique_ptr<Query> prepare(std::string_view sql) = 0;
  // Statements without parameters, separated by ';'.
  virtual void exec(std::string_view script) = 0;
  // A write transaction; SQLite takes the write lock up front so two writers wait instead of failing.
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  [[nodiscard]] virtual bool has_table(std::string_view name) = 0;
  // Inside a transaction: waits until no other scanner is migrating the same store.
  virtual void lock_schema() = 0;
  // The shared DDL in this database's words (the auto-numbered key column).
  [[nodiscard]] virtual std::string ddl(std::string_view sql) const = 0;
};

// Commits with commit(); rolled back when left without.
class Transaction {
 public:
  explicit Transaction(Backend& db) : db_(db) { db_.begin(); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (open_) db_.rollback();
  }
  void commit() {
    db_.commit();
    open_ = false;
  }

 private:
  Backend& db_;
  bool open_ = true;
};

// Inserts rows into `table` (columns: `prefix_columns` then `columns`), many rows per statement: one round
// trip to a PostgreSQL server per batch instead of per row. Each row is `prefix` followed by its own
// values, bound as text (both databases convert a number's text to an integer column).
void insert_rows(Backend& db, std::string_view table, std::string_view columns, const std::vector<std::string>& prefix,
                 const std::vector<std::vector<std::string>>& rows);

// A file (created when `create`, else it must exist).
std::unique_ptr<Backend> open_sqlite(const std::string& path, bool create);
// A libpq connection string or URL (postgresql://user@host/db); the database must exist.
std::unique_ptr<Backend> open_postgres(const std::string& url);

}  // namespace legacyscan::store
