// SPDX-License-Identifier: Apache-2.0
// The store over PostgreSQL (libpq): the same SQL as SQLite, its '?' parameters numbered $1..$n and
// sent as text; one connection per scanner, so many sites write one database at once.
#include <libpq-fe.h>

#include <charconv>
#include <optional>
#include <vector>

#include "src/store/backend.hpp"

namespace legacyscan::store {

namespace {

// Connecting gives up after this long (libpq waits forever by default); the URL may say otherwise.
constexpr const char* kConnectTimeoutSeconds = "15";
// Any constant shared by every legacyscan: the advisory lock held while one scanner migrates.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7105730651)";

// libpq's message on one line: its line breaks and indentation as single spaces.
std::string message(const char* text) {
  std::string m;
  for (const char* p = text ? text : "unknown error"; *p; ++p) {
    const bool space = *p == '\n' || *p == '\t' || *p == ' ';
    if (!space)
      m += *p;
    else if (!m.empty() && m.back() != ' ')
      m += ' ';
  }
  while (!m.empty() && m.back() == ' ') m.pop_back();
  return m;
}

// '?' -> $1, $2, ...; a '?' inside a quoted literal stays.
std::string numbered(std::string_view sql, int& count) {
  std::string out;
  bool quoted = false;
  count = 0;
  for (const char c : sql) {
    if (c == '\'') quoted = !quoted;
    if (c == '?' && !quoted)
      out += "$" + std::to_string(++count);
    else
      out += c;
  }
  return out;
}

class Result {
 public:
  explicit Result(PGresult* r = nullptr) : r_(r) {}
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result() { PQclear(r_); }
  void reset(PGresult* r) {
    PQclear(r_);
    r_ = r;
  }
  [[nodiscard]] PGresult* get() const { return r_; }

 private:
  PGresult* r_;
};

void check(PGconn* conn, const Result& r, std::string_view what) {
  const auto status = PQresultStatus(r.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
  // A server restarted or stopped: say so first, libpq's own words after.
  const std::string why(
      PQstatus(conn) == CONNECTION_BAD ? std::string_view("lost the connection to the PostgreSQL server") : what);
  throw StoreError(why + ": " + message(r.get() ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn)));
}

class PgQuery final : public Query {
 public:
  PgQuery(PGconn* conn, std::string_view sql) : conn_(conn) {
    int count = 0;
    sql_ = numbered(sql, count);
    values_.resize(static_cast<std::size_t>(count));
  }

  Query& bind(int index, std::string_view text) override {
    if (index < 1 || static_cast<std::size_t>(index) > values_.size()) throw StoreError("bind: no parameter");
    values_[static_cast<std::size_t>(index - 1)] = std::string(text);
    return *this;
  }
  Query& bind(int index, std::int64_t value) override { return bind(index, std::to_string(value)); }
  bool step() override {
    if (!executed_) execute();
    return ++row_ < PQntuples(result_.get());
  }
  void run() override {
    if (!executed_) execute();
    result_.reset(nullptr);
    executed_ = false;
    for (auto& v : values_) v.reset();
  }
  [[nodiscard]] std::int64_t integer(int column) const override {
    const char* p = PQgetvalue(result_.get(), row_, column);
    std::int64_t v = 0;
    std::from_chars(p, p + PQgetlength(result_.get(), row_, column), v);
    return v;
  }
  [[nodiscard]] std::string text(int column) const override {
    return {PQgetvalue(result_.get(), row_, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row_, column))};
  }
  [[nodiscard]] bool is_null(int column) const override { return PQgetisnull(result_.get(), row_, column) != 0; }

 private:
  void execute() {
    std::vector<const char*> params;
    for (const auto& v : values_) params.push_back(v ? v->c_str() : nullptr);
    result_.reset(PQexecParams(conn_, sql_.c_str(), static_cast<int>(params.size()), nullptr, params.data(), nullptr,
                               nullptr, 0));
    check(conn_, result_, "query");
    executed_ = true;
    row_ = -1;
  }

  PGconn* conn_;
  std::string sql_;
  std::vector<std::optional<std::string>> values_;
  Result result_;
  bool executed_ = false;
  int row_ = -1;
};

class PgBackend final : public Backend {
 public:
  explicit PgBackend(const std::string& url) {
    const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {kConnectTimeoutSeconds, "legacyscan", url.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      const auto why = message(conn_ ? PQerrorMessage(conn_) : "out of memory");
      PQfinish(conn_);
      conn_ = nullptr;
      throw StoreError(why);
    }
    // CREATE ... IF NOT EXISTS and friends say NOTICE on standard error otherwise.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
  }
  ~PgBackend() override { PQfinish(conn_); }

  std::unique_ptr<Query> prepare(std::string_view sql) override { return std::make_unique<PgQuery>(conn_, sql); }
  void exec(std::string_view script) override {
    const Result r(PQexec(conn_, std::string(script).c_str()));
    check(conn_, r, "exec");
  }
  void begin() override { exec("BEGIN"); }
  void commit() override { exec("COMMIT"); }
  void rollback() noexcept override {
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) PQclear(PQexec(conn_, "ROLLBACK"));
  }
  bool has_table(std::string_view name) override {
    PgQuery q(conn_,
              "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?");
    q.bind(1, name);
    return q.step();
  }
  void lock_schema() override { exec(kMigrationLock); }
  [[nodiscard]] std::string ddl(std::string_view sql) const override {
    std::string out(sql);
    constexpr std::string_view from = "INTEGER PRIMARY KEY AUTOINCREMENT";
    constexpr std::string_view to = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    for (auto at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size()))
      out.replace(at, from.size(), to);
    return out;
  }

 private:
  PGconn* conn_ = nullptr;
};

}  // namespace

std::unique_ptr<Backend> open_postgres(const std::string& url) { return std::make_unique<PgBackend>(url); }

}  // namespace legacyscan::store
