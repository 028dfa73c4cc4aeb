// SPDX-License-Identifier: Apache-2.0
// LDAP (RFC 4511) messages the LDAP probe sends and reads, and the NETLOGON responses ([MS-ADTS]
// 6.3.1.7-6.3.1.9) carried in the rootDSE `Netlogon` attribute of an LDAP ping ([MS-ADTS] 6.3.3).
// Pure encode/decode: no sockets. BER goes through legacyscan::ber, the NETLOGON structures through
// the shared bounds-checked legacyscan::Reader.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/bytes.hpp"
#include "src/proto/netlogon/netlogon_sam_logon.hpp"

namespace legacyscan::ldap {

// ---- RFC 4511 4.1.9 resultCode ----------------------------------------------------------------
inline constexpr std::int64_t LDAP_SUCCESS = 0;
inline constexpr std::int64_t LDAP_PROTOCOL_ERROR = 2;
inline constexpr std::int64_t LDAP_STRONGER_AUTH_REQUIRED = 8;
inline constexpr std::int64_t LDAP_SASL_BIND_IN_PROGRESS = 14;
inline constexpr std::int64_t LDAP_INAPPROPRIATE_AUTHENTICATION = 48;
inline constexpr std::int64_t LDAP_INVALID_CREDENTIALS = 49;
inline constexpr std::int64_t LDAP_UNWILLING_TO_PERFORM = 53;
// "invalidCredentials", or "resultCode 1234" for codes RFC 4511 does not name.
std::string result_code_name(std::int64_t code);

// ---- RFC 4511 4.2 / 4.5.1 requests ------------------------------------------------------------

// AttributeValueAssertion of an equalityMatch filter item (RFC 4511 4.5.1.7.1).
struct AttributeValueAssertion {
  std::string attributeDesc;
  Bytes assertionValue;
};

// The simple paged results control (RFC 2696, OID 1.2.840.113556.1.4.319): the page size asked, or
// (in a SearchResultDone) the cookie that fetches the next page; an empty cookie ends the search.
inline constexpr const char* kPagedResultsOid = "1.2.840.113556.1.4.319";
inline constexpr std::size_t kMaxPagedCookie = 4096;
struct PagedResults {
  std::int32_t size = 0;
  Bytes cookie;
};

// SearchRequest (RFC 4511 4.5.1). The filter is what this probe needs: an AND of equality matches
// (the LDAP ping, [MS-ADTS] 6.3.3) or, when `and_equality` is empty, a present filter.
struct SearchRequest {
  std::string baseObject;
  std::int64_t scope = 0;         // baseObject
  std::int64_t derefAliases = 0;  // neverDerefAliases
  std::int64_t sizeLimit = 0;
  std::int64_t timeLimit = 0;
  bool typesOnly = false;
  std::vector<AttributeValueAssertion> and_equality;
  std::string present = "objectClass";
  std::vector<std::string> attributes;
  std::optional<PagedResults> paged;  // sent as a critical control when set
};

// BindRequest (RFC 4511 4.2): simple when `sasl_mechanism` is empty, else SaslCredentials.
struct BindRequest {
  std::int64_t version = 3;
  std::string name;
  std::string simple;  // the simple password
  std::string sasl_mechanism;
  std::optional<Bytes> sasl_credentials;
};

// Whole LDAPMessages (RFC 4511 4.1.1) with the given messageID.
Bytes encode_search_request(std::int32_t messageID, const SearchRequest& req);
Bytes encode_bind_request(std::int32_t messageID, const BindRequest& req);
Bytes encode_unbind_request(std::int32_t messageID);
// ExtendedRequest (RFC 4511 4.12), e.g. StartTLS 1.3.6.1.4.1.1466.20037 (RFC 4511 4.14.1).
Bytes encode_extended_request(std::int32_t messageID, std::string_view requestName,
                              std::optional<ByteView> requestValue = std::nullopt);

// The LDAP ping ([MS-ADTS] 6.3.3): base "", scope base, filter (&(NtVer=..)(DnsDomain=..)(User=..)
// (AAC=..)) with NtVer and AAC as 4-byte little-endian values, attribute Netlogon.
struct LdapPing {
  std::uint32_t NtVer = netlogon::NETLOGON_NT_VERSION_5EX;
  std::string DnsDomain;             // omitted when empty
  std::string User;                  // omitted when empty
  std::optional<std::uint32_t> AAC;  // account control bits the User must match ([MS-ADTS] 6.3.3.2)
};
SearchRequest make_ldap_ping(const LdapPing& ping);

// ---- RFC 4511 responses -----------------------------------------------------------------------

struct LDAPResult {
  std::int64_t resultCode = 0;
  std::string matchedDN;
  std::string diagnosticMessage;
  std::vector<std::string> referral;
};

struct PartialAttribute {
  std::string type;
  std::vector<Bytes> vals;
};

struct SearchResultEntry {
  std::string objectName;
  std::vector<PartialAttribute> attributes;
  // The attribute whose type matches `name` case-insensitively (AD answers `netlogon` to `Netlogon`).
  [[nodiscard]] const PartialAttribute* find(std::string_view name) const;
  // The first value as text, or "" when absent.
  [[nodiscard]] std::string first(std::string_view name) const;
  // Every value as text.
  [[nodiscard]] std::vector<std::string> all(std::string_view name) const;
};

struct BindResponse {
  LDAPResult result;
  std::optional<Bytes> serverSaslCreds;
};

struct ExtendedResponse {
  LDAPResult result;
  std::string responseName;
  std::optional<Bytes> responseValue;
};

// protocolOp numbers of RFC 4511 4.2-4.14 ([APPLICATION n]).
enum class ProtocolOp : std::uint32_t {
  bindResponse = 1,
  searchResEntry = 4,
  searchResDone = 5,
  searchResRef = 19,
  extendedResp = 24,
};

struct LDAPMessage {
  std::int64_t messageID = 0;
  std::uint32_t protocolOp = 0;  // the [APPLICATION n] number
  std::optional<BindResponse> bindResponse;
  std::optional<SearchResultEntry> searchResEntry;
  std::optional<LDAPResult> searchResDone;
  std::vector<std::string> searchResRef;
  std::optional<ExtendedResponse> extendedResp;
  std::optional<PagedResults> paged;  // the paged results control, when the message carries one
};

// Caps on what one message may hold.
inline constexpr std::size_t kMaxAttributes = 1024;
inline constexpr std::size_t kMaxValuesPerAttribute = 4096;

// Exactly one whole LDAPMessage (nothing may follow). Response ops only; requests are rejected.
Decoded<LDAPMessage> decode_ldap_message(ByteView message);
// Every LDAPMessage of a CLDAP datagram (Samba sends the entry and the done message together).
Decoded<std::vector<LDAPMessage>> decode_ldap_messages(ByteView data);

// TCP framing: how many bytes the first LDAPMessage in `buffered` takes. need_more when the buffer
// holds only a prefix of it; invalid when the bytes cannot start an LDAPMessage (or exceed max).
struct Frame {
  enum class State { complete, need_more, invalid } state = State::need_more;
  std::size_t size = 0;  // complete: bytes of the whole message; need_more: bytes wanted in total
  std::string error;
};
Frame frame_ldap_message(ByteView buffered, std::size_t max_size);

// The answer to one search: entries and the SearchResultDone (RFC 4511 4.5.2).
struct SearchResponse {
  std::vector<SearchResultEntry> entries;
  std::vector<std::string> references;
  std::optional<LDAPResult> done;
};
// Collects a search's messages with `messageID` from a list; error on a foreign op or a mismatched ID.
Decoded<SearchResponse> collect_search_response(const std::vector<LDAPMessage>& messages, std::int64_t messageID);

// [MS-ADTS] 6.3.3.2: the NETLOGON response an LDAP ping's search answer carries (the Netlogon value of
// its one entry); nullopt when the DC sent no entry (it does not match the filter). An LDAP error
// result, an entry without a Netlogon value or a malformed one is an error.
Decoded<std::optional<netlogon::NETLOGON_SAM_LOGON_RESPONSE_ANY>> ldap_ping_response(const SearchResponse& s);

}  // namespace legacyscan::ldap
