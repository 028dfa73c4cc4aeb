// SPDX-License-Identifier: Apache-2.0
#include "src/store/store.hpp"

#include <array>
#include <string_view>

#include "legacyscan/json_text.hpp"
#include "src/compat/hardening.hpp"
#include "src/compat/host_view.hpp"
#include "src/compat/policy.hpp"

namespace legacyscan::store {

namespace {

using nlohmann::json;

// Migration N brings a store from schema version N to N+1; a new version appends one, never edits one.
// "check_id" because CHECK is an SQL keyword; it holds hosts[].findings[].check.
constexpr std::array<std::string_view, kStoreSchemaVersion> kMigrations{R"SQL(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started TEXT NOT NULL,
  finished TEXT,
  command TEXT NOT NULL,
  scanner_host TEXT NOT NULL,
  version TEXT NOT NULL,
  shard TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'interrupted',
  summary TEXT
);
CREATE TABLE hosts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  target TEXT NOT NULL,
  address TEXT NOT NULL,
  started TEXT,
  finished TEXT,
  result TEXT NOT NULL
);
CREATE INDEX hosts_run ON hosts(run_id);
CREATE TABLE findings (
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  probe TEXT NOT NULL,
  port TEXT NOT NULL,
  check_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  value TEXT NOT NULL,
  evidence TEXT NOT NULL
);
CREATE INDEX findings_host ON findings(host_id);
CREATE TABLE matrix_cells (
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  profile TEXT NOT NULL,
  name TEXT NOT NULL,
  verdict TEXT NOT NULL,
  protocols TEXT NOT NULL
);
CREATE INDEX matrix_cells_host ON matrix_cells(host_id);
CREATE TABLE terms (
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  term TEXT NOT NULL,
  state TEXT NOT NULL,
  checks TEXT NOT NULL
);
CREATE INDEX terms_host ON terms(host_id);
)SQL"};

struct TermRule {
  std::string term;
  PolicyRule rule;
};

const std::vector<TermRule>& term_rules() {
  static const std::vector<TermRule> rules = [] {
    std::vector<TermRule> out;
    for (const auto& t : compat::hardening_terms()) {
      if (t.policy_rule.empty()) continue;
      std::string err;
      if (auto rule = parse_policy_rule(t.policy_rule, err)) out.push_back({std::string(t.id), std::move(*rule)});
    }
    return out;
  }();
  return rules;
}

std::string text_of(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool sqlite_path_of(const std::string& url, std::string& path, std::string& error) {
  const auto scheme = url.find("://");
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    error = "PostgreSQL stores are not supported by this build (use a SQLite file)";
    return false;
  }
  if (scheme != std::string::npos) {
    error = "unknown store '" + url.substr(0, scheme) + "://' (expected PATH or sqlite:PATH)";
    return false;
  }
  path = url.starts_with("sqlite:") ? url.substr(7) : url;
  if (path.empty()) {
    error = "empty store path";
    return false;
  }
  return true;
}

std::string redact_command_line(const std::vector<std::string>& args) {
  std::string out;
  bool hide_next = false;
  for (const auto& arg : args) {
    std::string shown = arg;
    if (hide_next) {
      shown = "***";
      hide_next = false;
    } else if (arg == "--password") {
      hide_next = true;
    } else if (arg.starts_with("--password=")) {
      shown = "--password=***";
    } else if (const auto scheme = arg.find("://"); scheme != std::string::npos) {
      // user:secret@host in a URL (a PostgreSQL store): the secret goes.
      const auto at = arg.find('@', scheme);
      const auto colon = arg.find(':', scheme + 3);
      if (at != std::string::npos && colon != std::string::npos && colon < at)
        shown = arg.substr(0, colon + 1) + "***" + arg.substr(at);
    }
    out += (out.empty() ? "" : " ") + shown;
  }
  return out;
}

std::vector<std::string> stored_terms() {
  std::vector<std::string> out;
  for (const auto& t : term_rules()) out.push_back(t.term);
  return out;
}

Store::Store(const std::string& url, bool create)
    : db_(
          [&] {
            std::string path, err;
            if (!sqlite_path_of(url, path, err)) throw StoreError(err);
            return path;
          }(),
          create) {
  migrate();
}

void Store::migrate() {
  // Most opens find the store current: a read, no write lock.
  if (Statement(db_.handle(), "SELECT 1 FROM sqlite_master WHERE name = 'schema_version'").step() &&
      schema_version() == kStoreSchemaVersion)
    return;
  Transaction t(db_);
  db_.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  int version = schema_version();
  if (version > kStoreSchemaVersion)
    throw StoreError("the store has schema version " + std::to_string(version) + ", newer than this legacyscan's " +
                     std::to_string(kStoreSchemaVersion) + ": upgrade legacyscan");
  for (; version < kStoreSchemaVersion; ++version) db_.exec(kMigrations[static_cast<std::size_t>(version)]);
  db_.exec("DELETE FROM schema_version");
  Statement(db_.handle(), "INSERT INTO schema_version(version) VALUES (?)").bind(1, std::int64_t{version}).run();
  t.commit();
}

int Store::schema_version() {
  Statement s(db_.handle(), "SELECT COALESCE(MAX(version), 0) FROM schema_version");
  return s.step() ? static_cast<int>(s.integer(0)) : 0;
}

std::int64_t Store::begin_run(const RunInfo& info) {
  Transaction t(db_);
  Statement(db_.handle(),
            "INSERT INTO runs(started, command, scanner_host, version, shard, status) VALUES (?,?,?,?,?,'interrupted')")
      .bind(1, info.started)
      .bind(2, info.command)
      .bind(3, info.scanner_host)
      .bind(4, info.version)
      .bind(5, info.shard)
      .run();
  const auto id = db_.last_insert_id();
  t.commit();
  return id;
}

void Store::add_host(std::int64_t run, const json& host) {
  const auto view = read_host_view(host);
  std::vector<PolicyRule> rules;
  for (const auto& t : term_rules()) rules.push_back(t.rule);
  const auto judged = evaluate_policy(rules, view);

  Transaction t(db_);
  Statement(db_.handle(),
            "INSERT INTO hosts(run_id, idx, target, address, started, finished, result) VALUES (?,?,?,?,?,?,?)")
      .bind(1, run)
      .bind(2, host.value("index", std::int64_t{0}))
      .bind(3, view.target)
      .bind(4, view.address)
      .bind(5, text_of(host, "started"))
      .bind(6, text_of(host, "finished"))
      .bind(7, json_text(host))
      .run();
  const auto host_id = db_.last_insert_id();
  Statement finding(db_.handle(),
                    "INSERT INTO findings(host_id, probe, port, check_id, verdict, value, evidence) "
                    "VALUES (?,?,?,?,?,?,?)");
  for (const auto& f : view.findings)
    finding.bind(1, host_id)
        .bind(2, f.probe)
        .bind(3, f.port)
        .bind(4, f.check)
        .bind(5, to_string(f.verdict))
        .bind(6, f.value)
        .bind(7, f.evidence)
        .run();
  Statement cell(db_.handle(),
                 "INSERT INTO matrix_cells(host_id, profile, name, verdict, protocols) VALUES (?,?,?,?,?)");
  for (const auto& row : view.matrix)
    cell.bind(1, host_id)
        .bind(2, row.profile)
        .bind(3, row.name)
        .bind(4, matrix::to_string(row.verdict))
        .bind(5, json_text(row.protocols_to_json()))
        .run();
  Statement term(db_.handle(), "INSERT INTO terms(host_id, term, state, checks) VALUES (?,?,?,?)");
  for (std::size_t i = 0; i < judged.size() && i < term_rules().size(); ++i) {
    const auto& r = judged[i];
    std::string checks;
    for (const auto& f : r.findings)
      if (checks.find(f.check) == std::string::npos) checks += (checks.empty() ? "" : ",") + f.check;
    const char* state = r.passed ? "pass" : r.decided ? "fail" : "unknown";
    term.bind(1, host_id).bind(2, term_rules()[i].term).bind(3, state).bind(4, checks).run();
  }
  t.commit();
}

void Store::finish_run(std::int64_t run, const json& summary) {
  json rest = summary;
  rest.erase("hosts");
  Transaction t(db_);
  Statement(db_.handle(), "UPDATE runs SET finished = ?, status = ?, summary = ? WHERE id = ?")
      .bind(1, text_of(summary, "finished"))
      .bind(2, summary.value("complete", false) ? "complete" : "interrupted")
      .bind(3, json_text(rest))
      .bind(4, run)
      .run();
  t.commit();
}

std::vector<StoredRun> Store::runs() {
  Statement s(db_.handle(),
              "SELECT r.id, r.started, COALESCE(r.finished, ''), r.command, r.scanner_host, r.version, r.shard, "
              "r.status, (SELECT COUNT(*) FROM hosts h WHERE h.run_id = r.id) FROM runs r ORDER BY r.started, r.id");
  std::vector<StoredRun> out;
  while (s.step())
    out.push_back(
        {s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.text(7), s.integer(8)});
  return out;
}

std::optional<json> Store::run_document(std::int64_t run) {
  Statement r(db_.handle(), "SELECT started, COALESCE(finished, ''), status, summary FROM runs WHERE id = ?");
  r.bind(1, run);
  if (!r.step()) return std::nullopt;
  json doc = r.is_null(3) ? json::object() : json::parse(r.text(3), nullptr, false);
  if (!doc.is_object()) doc = json::object();
  // A run that never finished (killed) has no summary: its document says what the row says.
  if (!doc.contains("started")) doc["started"] = r.text(0);
  if (!doc.contains("finished")) doc["finished"] = r.text(1);
  if (!doc.contains("complete")) doc["complete"] = r.text(2) == "complete";
  if (!doc.contains("schema_version")) doc["schema_version"] = 1;
  json hosts = json::array();
  Statement h(db_.handle(), "SELECT result FROM hosts WHERE run_id = ? ORDER BY idx, id");
  h.bind(1, run);
  while (h.step()) hosts.push_back(json::parse(h.text(0), nullptr, false));
  doc["hosts"] = std::move(hosts);
  return doc;
}

std::vector<TermRow> Store::term_rows(const std::string& since) {
  Statement s(db_.handle(),
              "SELECT r.id, r.started, h.target, h.address, t.term, t.state, t.checks FROM terms t "
              "JOIN hosts h ON t.host_id = h.id JOIN runs r ON h.run_id = r.id WHERE r.started >= ? "
              "ORDER BY r.started, r.id, h.idx, h.id");
  s.bind(1, since);
  std::vector<TermRow> out;
  while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6)});
  return out;
}

std::int64_t Store::prune(const std::string& before) {
  Transaction t(db_);
  Statement(db_.handle(), "DELETE FROM runs WHERE started < ?").bind(1, before).run();
  const auto n = static_cast<std::int64_t>(sqlite3_changes(db_.handle()));
  t.commit();
  return n;
}

}  // namespace legacyscan::store
