// SPDX-License-Identifier: Apache-2.0
// The probe contract. A probe lives in probes/<name>/, is listed once in probes/all_probes.cpp, and
// turns one host (and the ports chosen for it) into a typed result. Probes never write output: the
// report renderers turn their results into tables and JSON.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/engine/status.hpp"

namespace spdlog {
class logger;
}

namespace legacyscan {

class Engine;

// How a finding reads to an admin hardening a network.
enum class Verdict {
  info,     // a fact
  good,     // hardened: the legacy thing is refused / the modern thing is required
  warn,     // legacy but commonly still needed, or optional protection
  bad,      // a legacy protocol or weak setting is accepted
  failure,  // the check itself could not be completed (status is not ok)
};

// One finding of a probe: a check of the host, how it reads, and what was seen. The human table shows
// one line per finding (label in its CHECK column); JSON carries it as hosts[].findings[] with the keys
// probe, port, check, verdict, value, evidence (the label is table text only).
struct Finding {
  std::string port;   // "445/tcp", or "" for a probe-wide finding
  std::string check;  // stable id: "smb1", "smb.signing.3.1.1", "tls.version.1.0", "kerberos.etype.rc4-hmac"
  std::string label;  // the table's text for the check: "SMB1", "Signing 3.1.1"
  std::string value;  // the short text the table shows: "ENABLED: NT LM 0.12"
  Verdict verdict = Verdict::info;
  std::string evidence;  // the longer detail behind the value, "" when there is none
  std::string probe;     // the probe that found it; set by the report, not by the result

  Finding() = default;
  Finding(std::string port_, std::string check_, std::string label_, std::string value_, Verdict verdict_,
          std::string evidence_ = {})
      : port(std::move(port_)),
        check(std::move(check_)),
        label(std::move(label_)),
        value(std::move(value_)),
        verdict(verdict_),
        evidence(std::move(evidence_)) {}

  // The JSON keys (legacyscan/engine/fields.hpp).
  template <class V>
  void fields(V& v) {
    v("probe", probe);
    v("port", port);
    v("check", check);
    v("verdict", verdict);
    v("value", value);
    v("evidence", evidence);
  }
};

// Every probe's result derives from this. status/reason are the probe-level outcome: ok when at least
// one port gave an answer; the per-port outcomes live inside the probe's own result.
struct ProbeResult {
  virtual ~ProbeResult() = default;
  Status status = Status::ok;
  std::string reason;

  // The probe's JSON object. Must contain "status" and, unless ok, "reason".
  [[nodiscard]] virtual nlohmann::json to_json() const = 0;
  // The findings in table order (probe left empty).
  virtual void findings(std::vector<Finding>& out) const = 0;
};

// A result with nothing but a status, for probes that could not start (skipped, bad option...).
struct BareResult final : ProbeResult {
  BareResult(Status s, std::string why) {
    status = s;
    reason = std::move(why);
  }
  [[nodiscard]] nlohmann::json to_json() const override;
  void findings(std::vector<Finding>& out) const override;
};

// A probe-specific command-line option, registered by the CLI as a long flag.
struct ProbeOption {
  std::string flag;           // "--smb-called-name"
  std::string help;           // one line
  std::string default_value;  // "" when none
  bool list = false;          // a comma list: the option may be repeated, its values accumulate
};

// Credentials the user chose to give (--user, --password / --password-env / --password-file, --keytab).
// Nothing is sent with them unless they are set; they never appear in logs, JSON or reports.
struct Credentials {
  std::string user;      // "name", "name@REALM" or "DOMAIN\\name"; "" = none
  std::string password;  // "" = none
  std::string keytab;    // path of a keytab file; "" = none
  [[nodiscard]] bool has_user() const { return !user.empty(); }
  [[nodiscard]] bool has_secret() const { return !password.empty() || !keytab.empty(); }
};

struct ScanSettings {
  std::chrono::milliseconds timeout{3000};                // every single network operation
  std::optional<std::chrono::milliseconds> host_timeout;  // whole host (all probes), when set
  int retries = 2;                                        // UDP retransmissions after the first try
  std::map<std::string, std::string> probe_options;       // flag (without "--") -> value
  Credentials credentials;

  [[nodiscard]] std::optional<std::string> option(const std::string& flag) const;
};

// Facts one probe learns about a host that another may use (the NetBIOS name for port 139, the realm
// for Kerberos). A probe reads facts of the probes it depends_on(), which have finished by then.
class HostFacts {
 public:
  void set(const std::string& key, std::string value) { facts_[key] = std::move(value); }
  [[nodiscard]] std::optional<std::string> get(const std::string& key) const {
    auto it = facts_.find(key);
    if (it == facts_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, std::string> facts_;
};

// What a probe is given for one host.
struct ProbeContext {
  Engine& engine;
  std::string target;                // as the user wrote it
  std::string host_name;             // the name when the target was a name, else ""
  boost::asio::ip::address address;  // the address to scan
  std::vector<std::uint16_t> ports;  // the ports chosen for this probe on this host
  const ScanSettings& settings;
  HostFacts& facts;
  spdlog::logger& log;
  // Set from --host-timeout: no operation of this host may run past it.
  std::optional<std::chrono::steady_clock::time_point> host_deadline{};
  // The JSON of a probe of this host that has already finished (one this probe depends_on), or
  // nullopt when that probe was not selected or has not run. JSON is the stable interface between
  // probes; the compatibility matrix reads the protocol probes' results through it.
  std::function<std::optional<nlohmann::json>(std::string_view probe)> finished_result{};

  // The deadline for the next single operation: --timeout, cut short by the host deadline.
  [[nodiscard]] std::chrono::milliseconds op_timeout() const;
};

class Probe {
 public:
  virtual ~Probe() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  [[nodiscard]] virtual std::string_view description() const = 0;
  [[nodiscard]] virtual std::vector<std::uint16_t> default_ports() const = 0;
  [[nodiscard]] virtual std::vector<std::string_view> transports() const = 0;  // "tcp", "udp"
  [[nodiscard]] virtual std::vector<ProbeOption> options() const { return {}; }
  // A usage error in this probe's options ("" when they are fine). The CLI asks every selected probe
  // before anything is scanned and exits 2 with the message.
  [[nodiscard]] virtual std::string check_options(const ScanSettings& /*settings*/) const { return {}; }
  // Probes whose facts this one reads; they run first on the same host when selected.
  [[nodiscard]] virtual std::vector<std::string_view> depends_on() const { return {}; }
  // Never throws for anything the network does: failures are statuses in the result.
  virtual boost::asio::awaitable<std::unique_ptr<ProbeResult>> run(ProbeContext& ctx) const = 0;
};

// The explicit registry (probes/all_probes.cpp).
const std::vector<std::unique_ptr<Probe>>& all_probes();
const Probe* find_probe(std::string_view name);

// The JSON names of verdicts: "info", "good", "warn", "bad", "failed".
std::string_view to_string(Verdict v);
bool from_string(std::string_view s, Verdict& out);  // false for an unknown name

// {probe, port, check, verdict, value, evidence}: one element of hosts[].findings.
nlohmann::json finding_to_json(const Finding& f);

}  // namespace legacyscan
