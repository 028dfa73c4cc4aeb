// SPDX-License-Identifier: Apache-2.0
// The store over SQLite: one connection, prepared statements, WAL and a busy timeout so several
// scanners write one file at once; errors carry SQLite's own message.
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "src/store/backend.hpp"

namespace legacyscan::store {

namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw StoreError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// How long a writer waits for another scanner's transaction to finish before giving up.
constexpr int kBusyTimeoutMs = 60000;

class SqliteQuery final : public Query {
 public:
  SqliteQuery(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
      fail(db, "prepare");
  }
  ~SqliteQuery() override { sqlite3_finalize(stmt_); }

  Query& bind(int index, std::string_view text) override {
    if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
      fail(db_, "bind");
    return *this;
  }
  Query& bind(int index, std::int64_t value) override {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(db_, "bind");
    return *this;
  }
  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, "step");
  }
  void run() override {
    while (step()) {
    }
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  [[nodiscard]] std::int64_t integer(int column) const override { return sqlite3_column_int64(stmt_, column); }
  [[nodiscard]] std::string text(int column) const override {
    const auto* p = sqlite3_column_text(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
  }
  [[nodiscard]] bool is_null(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteBackend final : public Backend {
 public:
  SqliteBackend(const std::string& path, bool create) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw StoreError(path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    use_wal();
    exec("PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=ON");
  }
  ~SqliteBackend() override { sqlite3_close(db_); }

  // Switching a new database to WAL needs it to itself: while another scanner opens the same new store,
  // SQLite answers SQLITE_BUSY at once, without calling the busy handler. Retried until the busy timeout.
  void use_wal() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    const auto keep_mode = [](void* out, int n, char** values, char**) {
      if (n > 0 && values[0]) *static_cast<std::string*>(out) = values[0];
      return 0;
    };
    for (;;) {
      std::string mode;
      const int rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", keep_mode, &mode, nullptr);
      if (rc == SQLITE_OK && mode == "wal") return;
      const bool busy = (rc & 0xff) == SQLITE_BUSY || (rc == SQLITE_OK && mode != "wal");
      if (!busy || std::chrono::steady_clock::now() > deadline)
        throw StoreError("cannot switch the store to WAL (" +
                         (rc == SQLITE_OK ? "journal mode " + mode : std::string(sqlite3_errmsg(db_))) + ")");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  std::unique_ptr<Query> prepare(std::string_view sql) override { return std::make_unique<SqliteQuery>(db_, sql); }
  void exec(std::string_view script) override {
    char* msg = nullptr;
    if (sqlite3_exec(db_, std::string(script).c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string text = msg ? msg : sqlite3_errmsg(db_);
      sqlite3_free(msg);
      throw StoreError(text);
    }
  }
  void begin() override { exec("BEGIN IMMEDIATE"); }
  void commit() override { exec("COMMIT"); }
  void rollback() noexcept override { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); }
  bool has_table(std::string_view name) override {
    SqliteQuery q(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    q.bind(1, name);
    return q.step();
  }
  void lock_schema() override {}  // BEGIN IMMEDIATE holds the only write lock already
  [[nodiscard]] std::string ddl(std::string_view sql) const override { return std::string(sql); }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<Backend> open_sqlite(const std::string& path, bool create) {
  return std::make_unique<SqliteBackend>(path, create);
}

}  // namespace legacyscan::store
