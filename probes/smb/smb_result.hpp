// SPDX-License-Identifier: Apache-2.0
// The SMB probe's typed result. JSON key names here are a contract with scripts (docs/schema).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/probe.hpp"

namespace legacyscan::smb {

struct Signing {
  bool enabled = false;
  bool required = false;
};

// How the server answered one offer. accepted is the only acceptance; every other value is a way of
// saying no, and which way is itself a finding (Samba answers 0xFFFF, Windows closes).
enum class OfferAnswer {
  accepted,
  none_of_offered,   // SMB1 DialectIndex 0xFFFF
  status,            // an SMB error status (e.g. STATUS_NOT_SUPPORTED)
  answered_smb2,     // an SMB1 offer drew an SMB2 reply
  answered_other,    // answered with a different dialect/cipher than the one offered
  closed,            // connection closed without an answer
  reset,             // connection reset
  timeout,           // no answer in time
  failed,            // could not be tested (connect failed, malformed reply): see reason
};
std::string_view to_string(OfferAnswer a);

struct OfferCheck {
  std::string offered;  // "NT LM 0.12", "3.1.1", "AES-128-GCM"
  OfferAnswer answer = OfferAnswer::failed;
  std::string detail;   // "DialectIndex 0xFFFF", "STATUS_NOT_SUPPORTED (0xc00000bb)", reason
};

struct Smb1Info {
  Outcome outcome;  // ok when the dialect offers could be made
  bool enabled = false;
  std::vector<std::string> dialects;   // accepted, in offer order
  std::vector<OfferCheck> checks;      // every dialect with its answer
  std::optional<Signing> signing;      // from the NT LM 0.12 answer
  std::optional<std::uint8_t> security_mode;
  std::vector<std::string> capabilities;
  std::string server_time;
  std::optional<std::uint32_t> max_buffer_size;
  std::optional<std::uint16_t> max_mpx_count;
  bool extended_security = false;
  std::string domain_name;
  std::string server_name;
};

struct MultiProtocol {
  Outcome outcome;
  std::string answer;   // "smb1", "smb2", "none", "closed", "reset", "timeout"
  std::string dialect;  // "NT LM 0.12", "2.0.2", "2.???"
};

struct Smb2DialectDetail {
  std::string dialect;
  Signing signing;
  std::uint16_t security_mode = 0;
  std::vector<std::string> capabilities;
  std::uint32_t max_transact_size = 0;
  std::uint32_t max_read_size = 0;
  std::uint32_t max_write_size = 0;
  std::string server_guid;
  std::string system_time;
  std::string server_start_time;
  std::vector<std::string> security_mechanisms;  // from SPNEGO negTokenInit
};

struct Smb2Info {
  Outcome outcome;
  std::vector<std::string> dialects;  // accepted
  std::vector<std::string> rejected;
  std::vector<OfferCheck> checks;
  std::vector<Smb2DialectDetail> details;
  std::optional<Signing> signing;  // of the highest accepted dialect
  // SMB 3.1.1 negotiate contexts (only when 3.1.1 is accepted)
  std::vector<std::string> preauth_integrity;
  std::vector<std::string> encryption_ciphers;   // accepted, each offered alone
  std::vector<OfferCheck> cipher_checks;
  std::vector<std::string> signing_algorithms;   // accepted, each offered alone
  std::vector<OfferCheck> signing_algorithm_checks;
  std::vector<std::string> compression;          // what the server returned for the full offer
  bool contexts_tested = false;
};

struct NtlmInfo {
  Outcome outcome;
  std::string via;  // "smb2 3.1.1", "smb1 NT LM 0.12"
  std::string netbios_computer;
  std::string netbios_domain;
  std::string dns_computer;
  std::string dns_domain;
  std::string dns_tree;
  std::string os_version;  // major.minor.build from the CHALLENGE Version field
  std::optional<std::uint8_t> ntlm_revision;
  std::string server_time;  // MsvAvTimestamp
  std::string target_name;
  std::vector<std::string> negotiate_flags;
};

struct PortResult {
  std::uint16_t port = 0;
  std::string transport;    // "direct-tcp" or "netbios-ssn"
  std::string called_name;  // NBSS called name that was accepted (139 only)
  Outcome outcome;
  std::optional<Smb1Info> smb1;
  std::optional<MultiProtocol> multiprotocol;
  std::optional<Smb2Info> smb2;
  std::optional<NtlmInfo> ntlm;
};

struct SmbResult final : ProbeResult {
  std::vector<PortResult> ports;
  [[nodiscard]] nlohmann::json to_json() const override;
  void table_rows(std::vector<TableRow>& out) const override;
};

}  // namespace legacyscan::smb
