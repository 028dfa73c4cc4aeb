// SPDX-License-Identifier: Apache-2.0
#include "src/store/store.hpp"

#include <algorithm>
#include <array>
#include <map>
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
)SQL",
                                                                        R"SQL(
DROP INDEX terms_host;
CREATE INDEX terms_host ON terms(host_id, term, state);
CREATE INDEX runs_started ON runs(started);
CREATE INDEX hosts_key ON hosts(run_id, target, address);
CREATE TABLE policy_results (
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  rule TEXT NOT NULL,
  state TEXT NOT NULL,
  checks TEXT NOT NULL
);
CREATE INDEX policy_results_host ON policy_results(host_id, rule, state);
)SQL",
                                                                        R"SQL(
CREATE TABLE run_counts (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind INTEGER NOT NULL,
  name TEXT NOT NULL,
  failing INTEGER NOT NULL,
  judged INTEGER NOT NULL,
  PRIMARY KEY (run_id, kind, name)
);
INSERT INTO run_counts(run_id, kind, name, failing, judged)
SELECT h.run_id, 0, t.term, SUM(CASE WHEN t.state = 'fail' THEN 1 ELSE 0 END),
  SUM(CASE WHEN t.state = 'unknown' THEN 0 ELSE 1 END)
FROM terms t JOIN hosts h ON h.id = t.host_id GROUP BY h.run_id, t.term;
INSERT INTO run_counts(run_id, kind, name, failing, judged)
SELECT h.run_id, 1, t.rule, SUM(CASE WHEN t.state = 'fail' THEN 1 ELSE 0 END),
  SUM(CASE WHEN t.state = 'unknown' THEN 0 ELSE 1 END)
FROM policy_results t JOIN hosts h ON h.id = t.host_id GROUP BY h.run_id, t.rule;
CREATE INDEX hosts_host ON hosts(target, address, run_id);
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

// A rule's result as a row: fail (the evidence shows the host still accepts it), pass, or unknown (the
// probe could not tell), and the finding check ids a failure rests on.
std::vector<std::string> judged_row(const std::string& name, const RuleResult& r) {
  std::string checks;
  for (const auto& f : r.findings)
    if (checks.find(f.check) == std::string::npos) checks += (checks.empty() ? "" : ",") + f.check;
  return {name, r.passed ? "pass" : r.decided ? "fail" : "unknown", checks};
}

// Adds a host's judged rows (kind 0: terms, 1: policy rules) to its run's counts (run_counts), so history
// reads a run's counts instead of counting its rows. One multi-row UPSERT (the same SQL on SQLite and
// PostgreSQL); a name twice in one host's rows is summed first, as one statement may not update a row
// twice on PostgreSQL.
void count_rows(Backend& db, std::int64_t run, std::int64_t kind, const std::vector<std::vector<std::string>>& rows) {
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> counts;  // name -> failing, judged
  for (const auto& row : rows) {
    auto& [failing, judged] = counts[row[0]];
    failing += row[1] == "fail" ? 1 : 0;
    judged += row[1] == "unknown" ? 0 : 1;
  }
  if (counts.empty()) return;
  std::string sql = "INSERT INTO run_counts(run_id, kind, name, failing, judged) VALUES ";
  for (std::size_t i = 0; i < counts.size(); ++i) sql += i ? ",(?,?,?,?,?)" : "(?,?,?,?,?)";
  sql +=
      " ON CONFLICT (run_id, kind, name) DO UPDATE SET failing = run_counts.failing + excluded.failing, "
      "judged = run_counts.judged + excluded.judged";
  const auto q = db.prepare(sql);
  int param = 0;
  for (const auto& [name, n] : counts)
    q->bind(++param, run).bind(++param, kind).bind(++param, name).bind(++param, n.first).bind(++param, n.second);
  q->run();
}

// The host's row, its findings, terms and policy results, and its run's counts; the host's id.
std::int64_t insert_host(Backend& db, std::int64_t run, const HostRows& host) {
  const auto q = db.prepare(
      "INSERT INTO hosts(run_id, idx, target, address, started, finished, result) VALUES (?,?,?,?,?,?,?) "
      "RETURNING id");
  q->bind(1, run)
      .bind(2, host.index)
      .bind(3, host.target)
      .bind(4, host.address)
      .bind(5, host.started)
      .bind(6, host.finished)
      .bind(7, json_text(host.result));
  if (!q->step()) throw StoreError("the new host has no id");
  const auto host_id = q->integer(0);
  q->run();
  const std::vector<std::string> id{std::to_string(host_id)};
  insert_rows(db, "findings", "host_id, probe, port, check_id, verdict, value, evidence", id, host.findings);
  insert_rows(db, "terms", "host_id, term, state, checks", id, host.terms);
  insert_rows(db, "policy_results", "host_id, rule, state, checks", id, host.policy);
  count_rows(db, run, 0, host.terms);
  count_rows(db, run, 1, host.policy);
  return host_id;
}

std::string text_of(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool is_postgres_url(const std::string& url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

bool sqlite_path_of(const std::string& url, std::string& path, std::string& error) {
  const auto scheme = url.find("://");
  if (scheme != std::string::npos) {
    error = "unknown store '" + url.substr(0, scheme) + "://' (expected PATH, sqlite:PATH or postgresql://...)";
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
    } else {
      shown = redact_url(arg);
    }
    out += (out.empty() ? "" : " ") + shown;
  }
  return out;
}

std::string redact_url(const std::string& url) {
  std::string shown = url;
  // user:secret@host in a URL (a PostgreSQL store): the secret goes.
  if (const auto scheme = url.find("://"); scheme != std::string::npos) {
    const auto at = url.find('@', scheme);
    const auto colon = url.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at)
      shown = url.substr(0, colon + 1) + "***" + url.substr(at);
  }
  // ...?password=secret (libpq's parameter form) likewise.
  for (auto at = shown.find("password="); at != std::string::npos; at = shown.find("password=", at + 1)) {
    const auto end = shown.find('&', at);
    shown = shown.substr(0, at + 9) + "***" + (end == std::string::npos ? "" : shown.substr(end));
  }
  return shown;
}

std::vector<std::string> stored_terms() {
  std::vector<std::string> out;
  for (const auto& t : term_rules()) out.push_back(t.term);
  return out;
}

Store::Store(const std::string& url, bool create)
    : db_([&] {
        if (is_postgres_url(url)) return open_postgres(url);
        std::string path, err;
        if (!sqlite_path_of(url, path, err)) throw StoreError(err);
        return open_sqlite(path, create);
      }()) {
  migrate();
}

void Store::migrate() {
  // Most opens find the store current: a read, no write lock.
  if (db_->has_table("schema_version") && schema_version() == kStoreSchemaVersion) return;
  Transaction t(*db_);
  db_->lock_schema();
  db_->exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  int version = schema_version();
  if (version > kStoreSchemaVersion)
    throw StoreError("the store has schema version " + std::to_string(version) + ", newer than this legacyscan's " +
                     std::to_string(kStoreSchemaVersion) + ": upgrade legacyscan");
  if (version == kStoreSchemaVersion) return;  // another scanner migrated it while this one waited
  for (; version < kStoreSchemaVersion; ++version) db_->exec(db_->ddl(kMigrations[static_cast<std::size_t>(version)]));
  db_->exec("DELETE FROM schema_version");
  db_->prepare("INSERT INTO schema_version(version) VALUES (?)")->bind(1, std::int64_t{version}).run();
  t.commit();
}

int Store::schema_version() {
  const auto s = db_->prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  return s->step() ? static_cast<int>(s->integer(0)) : 0;
}

std::int64_t Store::begin_run(const RunInfo& info) {
  Transaction t(*db_);
  const auto q = db_->prepare(
      "INSERT INTO runs(started, command, scanner_host, version, shard, status) "
      "VALUES (?,?,?,?,?,'interrupted') RETURNING id");
  q->bind(1, info.started).bind(2, info.command).bind(3, info.scanner_host).bind(4, info.version).bind(5, info.shard);
  if (!q->step()) throw StoreError("the new run has no id");
  const auto id = q->integer(0);
  q->run();
  t.commit();
  return id;
}

namespace {

// One host's rows and matrix cells, computed before the transaction so that the write lock is held only
// for the inserts.
struct PreparedHost {
  HostRows rows;
  std::vector<std::vector<std::string>> cells;
};

PreparedHost prepare_host(const json& host, const std::vector<PolicyRule>& policy) {
  const auto view = read_host_view(host);
  // The hardening terms and the scan's own policy rules, judged on the evidence in one pass.
  std::vector<PolicyRule> rules;
  for (const auto& t : term_rules()) rules.push_back(t.rule);
  rules.insert(rules.end(), policy.begin(), policy.end());
  const auto judged = evaluate_policy(rules, view);

  PreparedHost out{HostRows{view.target,
                            view.address,
                            host.value("index", std::int64_t{0}),
                            text_of(host, "started"),
                            text_of(host, "finished"),
                            host,
                            {},
                            {},
                            {}},
                   {}};
  HostRows& rows = out.rows;
  for (const auto& f : view.findings)
    rows.findings.push_back({f.probe, f.port, f.check, std::string(to_string(f.verdict)), f.value, f.evidence});
  const auto n_terms = term_rules().size();
  for (std::size_t i = 0; i < judged.size(); ++i)
    (i < n_terms ? rows.terms : rows.policy)
        .push_back(judged_row(i < n_terms ? term_rules()[i].term : policy[i - n_terms].text, judged[i]));
  for (const auto& row : view.matrix)
    out.cells.push_back(
        {row.profile, row.name, std::string(matrix::to_string(row.verdict)), json_text(row.protocols_to_json())});
  return out;
}

}  // namespace

void Store::add_host(std::int64_t run, const json& host, const std::vector<PolicyRule>& policy) {
  add_hosts(run, std::vector<json>{host}, policy);
}

void Store::add_hosts(std::int64_t run, const std::vector<json>& hosts, const std::vector<PolicyRule>& policy) {
  std::vector<PreparedHost> prepared;
  prepared.reserve(hosts.size());
  for (const auto& host : hosts) prepared.push_back(prepare_host(host, policy));
  Transaction t(*db_);
  for (const auto& p : prepared) {
    const auto host_id = insert_host(*db_, run, p.rows);
    insert_rows(*db_, "matrix_cells", "host_id, profile, name, verdict, protocols", {std::to_string(host_id)}, p.cells);
  }
  t.commit();
}

void Store::add_rows(std::int64_t run, const HostRows& host) {
  Transaction t(*db_);
  insert_host(*db_, run, host);
  t.commit();
}

void Store::finish_run(std::int64_t run, const json& summary) {
  json rest = summary;
  rest.erase("hosts");
  Transaction t(*db_);
  db_->prepare("UPDATE runs SET finished = ?, status = ?, summary = ? WHERE id = ?")
      ->bind(1, text_of(summary, "finished"))
      .bind(2, summary.value("complete", false) ? "complete" : "interrupted")
      .bind(3, json_text(rest))
      .bind(4, run)
      .run();
  t.commit();
}

std::vector<StoredRun> Store::runs() {
  const auto s = db_->prepare(
      "SELECT r.id, r.started, COALESCE(r.finished, ''), r.command, r.scanner_host, r.version, r.shard, "
      "r.status, (SELECT COUNT(*) FROM hosts h WHERE h.run_id = r.id) FROM runs r ORDER BY r.started, r.id");
  std::vector<StoredRun> out;
  while (s->step())
    out.push_back({s->integer(0), s->text(1), s->text(2), s->text(3), s->text(4), s->text(5), s->text(6), s->text(7),
                   s->integer(8)});
  return out;
}

std::optional<json> Store::run_document(std::int64_t run) {
  const auto r = db_->prepare("SELECT started, COALESCE(finished, ''), status, summary FROM runs WHERE id = ?");
  r->bind(1, run);
  if (!r->step()) return std::nullopt;
  json doc = r->is_null(3) ? json::object() : json::parse(r->text(3), nullptr, false);
  if (!doc.is_object()) doc = json::object();
  // A run that never finished (killed) has no summary: its document says what the row says.
  if (!doc.contains("started")) doc["started"] = r->text(0);
  if (!doc.contains("finished")) doc["finished"] = r->text(1);
  if (!doc.contains("complete")) doc["complete"] = r->text(2) == "complete";
  if (!doc.contains("schema_version")) doc["schema_version"] = 1;
  json hosts = json::array();
  const auto h = db_->prepare("SELECT result FROM hosts WHERE run_id = ? ORDER BY idx, id");
  h->bind(1, run);
  while (h->step()) hosts.push_back(json::parse(h->text(0), nullptr, false));
  doc["hosts"] = std::move(hosts);
  return doc;
}

std::optional<json> Store::day_document(const std::string& day) {
  std::vector<std::int64_t> ids;
  const auto q = db_->prepare("SELECT id FROM runs WHERE substr(started, 1, 10) = ? ORDER BY started, id");
  q->bind(1, day);
  while (q->step()) ids.push_back(q->integer(0));
  if (ids.empty()) return std::nullopt;
  json doc;
  std::map<std::string, std::size_t> where;  // "target address" -> index in hosts
  json hosts = json::array();
  bool complete = true;
  for (const auto id : ids) {
    auto run = run_document(id);
    // pcap, events and accounts runs hold clients and accounts, not scanned hosts.
    if (!run || !text_of(*run, "command").empty()) continue;
    complete = complete && run->value("complete", false);
    for (auto& host : (*run)["hosts"]) {
      const auto key = text_of(host, "target") + " " + text_of(host, "address");
      if (const auto it = where.find(key); it != where.end())
        hosts[it->second] = std::move(host);
      else {
        where.emplace(key, hosts.size());
        hosts.push_back(std::move(host));
      }
    }
    if (doc.is_null())
      doc = std::move(*run);
    else
      doc["finished"] = (*run)["finished"];
  }
  if (doc.is_null()) return std::nullopt;
  doc["complete"] = complete;
  doc["hosts"] = std::move(hosts);
  return doc;
}

std::int64_t Store::prune(const std::string& before) {
  Transaction t(*db_);
  const auto q = db_->prepare("DELETE FROM runs WHERE started < ? RETURNING id");
  q->bind(1, before);
  std::int64_t n = 0;
  while (q->step()) ++n;
  q->run();
  t.commit();
  return n;
}

}  // namespace legacyscan::store
