// SPDX-License-Identifier: Apache-2.0
// SMB2/SMB3 messages the scanner needs ([MS-SMB2]): the 64-byte header (2.2.1), NEGOTIATE request and
// response with SMB 3.1.1 negotiate contexts (2.2.3, 2.2.3.1, 2.2.4, 2.2.4.1), SESSION_SETUP request
// and response (2.2.5, 2.2.6) and the ERROR response (2.2.2). Also NTSTATUS names ([MS-ERREF] 2.3.1)
// and a sniff that tells SMB1 from SMB2 replies. Pure codecs: no sockets.
//
// Every decoder takes one SMB2 message that starts at ProtocolId (the 4-byte transport header already
// removed, see nbss.hpp). Offsets inside the message are relative to the start of the SMB2 header
// and are checked against the whole message.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::smb {

// ---- NTSTATUS ([MS-ERREF] 2.3.1) --------------------------------------------------------------

inline constexpr std::uint32_t STATUS_SUCCESS = 0x00000000;
inline constexpr std::uint32_t STATUS_PENDING = 0x00000103;
inline constexpr std::uint32_t STATUS_BUFFER_OVERFLOW = 0x80000005;
inline constexpr std::uint32_t STATUS_NOT_IMPLEMENTED = 0xC0000002;
inline constexpr std::uint32_t STATUS_INVALID_PARAMETER = 0xC000000D;
inline constexpr std::uint32_t STATUS_MORE_PROCESSING_REQUIRED = 0xC0000016;
inline constexpr std::uint32_t STATUS_ACCESS_DENIED = 0xC0000022;
inline constexpr std::uint32_t STATUS_NO_SUCH_USER = 0xC0000064;
inline constexpr std::uint32_t STATUS_WRONG_PASSWORD = 0xC000006A;
inline constexpr std::uint32_t STATUS_LOGON_FAILURE = 0xC000006D;
inline constexpr std::uint32_t STATUS_ACCOUNT_RESTRICTION = 0xC000006E;
inline constexpr std::uint32_t STATUS_PASSWORD_EXPIRED = 0xC0000071;
inline constexpr std::uint32_t STATUS_ACCOUNT_DISABLED = 0xC0000072;
inline constexpr std::uint32_t STATUS_NOT_SUPPORTED = 0xC00000BB;
inline constexpr std::uint32_t STATUS_NETWORK_ACCESS_DENIED = 0xC00000CA;
inline constexpr std::uint32_t STATUS_BAD_NETWORK_NAME = 0xC00000CC;
inline constexpr std::uint32_t STATUS_REQUEST_NOT_ACCEPTED = 0xC00000D0;
inline constexpr std::uint32_t STATUS_USER_SESSION_DELETED = 0xC0000203;
inline constexpr std::uint32_t STATUS_ACCOUNT_LOCKED_OUT = 0xC0000234;
inline constexpr std::uint32_t STATUS_NETWORK_SESSION_EXPIRED = 0xC000035C;

// "STATUS_NOT_SUPPORTED", or empty for codes not in the table.
std::string_view ntstatus_name(std::uint32_t status);
// "STATUS_NOT_SUPPORTED (0xc00000bb)" or "0x12345678".
std::string ntstatus_string(std::uint32_t status);

// ---- which protocol is this? ------------------------------------------------------------------

enum class SmbProtocol {
  Smb1,            // 0xFF 'S' 'M' 'B'  [MS-CIFS] 2.2.3.1
  Smb2,            // 0xFE 'S' 'M' 'B'  [MS-SMB2] 2.2.1
  Smb2Transform,   // 0xFD 'S' 'M' 'B'  [MS-SMB2] 2.2.41 (encrypted)
  Smb2Compressed,  // 0xFC 'S' 'M' 'B'  [MS-SMB2] 2.2.42
  Unknown,
};
SmbProtocol detect_smb_protocol(ByteView message);
std::string_view smb_protocol_name(SmbProtocol p);

// ---- 2.2.1 header -----------------------------------------------------------------------------

inline constexpr std::size_t kSmb2HeaderSize = 64;

enum class Smb2Command : std::uint16_t {
  NEGOTIATE = 0x0000,
  SESSION_SETUP = 0x0001,
  LOGOFF = 0x0002,
  TREE_CONNECT = 0x0003,
  TREE_DISCONNECT = 0x0004,
  CREATE = 0x0005,
  CLOSE = 0x0006,
  IOCTL = 0x000B,
  ECHO = 0x000D,
};

inline constexpr std::uint32_t SMB2_FLAGS_SERVER_TO_REDIR = 0x00000001;
inline constexpr std::uint32_t SMB2_FLAGS_ASYNC_COMMAND = 0x00000002;
inline constexpr std::uint32_t SMB2_FLAGS_RELATED_OPERATIONS = 0x00000004;
inline constexpr std::uint32_t SMB2_FLAGS_SIGNED = 0x00000008;

// 2.2.1.1 (async) / 2.2.1.2 (sync). In requests Status carries ChannelSequence/Reserved and
// CreditRequest is CreditRequest; in responses they are Status and CreditResponse.
struct Smb2Header {
  std::uint16_t StructureSize = 64;
  std::uint16_t CreditCharge = 0;
  std::uint32_t Status = 0;
  std::uint16_t Command = 0;
  std::uint16_t CreditRequest = 0;
  std::uint32_t Flags = 0;
  std::uint32_t NextCommand = 0;
  std::uint64_t MessageId = 0;
  std::uint32_t Reserved = 0;  // sync only (the "ProcessId")
  std::uint32_t TreeId = 0;    // sync only
  std::uint64_t AsyncId = 0;   // async only (SMB2_FLAGS_ASYNC_COMMAND)
  std::uint64_t SessionId = 0;
  std::array<std::uint8_t, 16> Signature{};

  [[nodiscard]] bool is_response() const { return (Flags & SMB2_FLAGS_SERVER_TO_REDIR) != 0; }
  [[nodiscard]] bool is_async() const { return (Flags & SMB2_FLAGS_ASYNC_COMMAND) != 0; }

  friend bool operator==(const Smb2Header&, const Smb2Header&) = default;
};
// Writes the 64 bytes (ProtocolId and StructureSize 64 are always written as the spec says).
void encode_smb2_header(Writer& w, const Smb2Header& h);
Decoded<Smb2Header> decode_smb2_header(ByteView message);

// ---- dialects, capabilities, security mode ----------------------------------------------------

inline constexpr std::uint16_t SMB2_DIALECT_202 = 0x0202;
inline constexpr std::uint16_t SMB2_DIALECT_210 = 0x0210;
inline constexpr std::uint16_t SMB2_DIALECT_300 = 0x0300;
inline constexpr std::uint16_t SMB2_DIALECT_302 = 0x0302;
inline constexpr std::uint16_t SMB2_DIALECT_311 = 0x0311;
inline constexpr std::uint16_t SMB2_DIALECT_WILDCARD = 0x02FF;  // answer to "SMB 2.???" in an SMB1 negotiate
// "2.0.2", "2.1", "3.0", "3.0.2", "3.1.1", "2.???", or "0x0abc" for others.
std::string smb2_dialect_name(std::uint16_t dialect);

inline constexpr std::uint16_t SMB2_NEGOTIATE_SIGNING_ENABLED = 0x0001;
inline constexpr std::uint16_t SMB2_NEGOTIATE_SIGNING_REQUIRED = 0x0002;
std::vector<std::string> smb2_security_mode_names(std::uint16_t mode);

inline constexpr std::uint32_t SMB2_GLOBAL_CAP_DFS = 0x00000001;
inline constexpr std::uint32_t SMB2_GLOBAL_CAP_LEASING = 0x00000002;
inline constexpr std::uint32_t SMB2_GLOBAL_CAP_LARGE_MTU = 0x00000004;
inline constexpr std::uint32_t SMB2_GLOBAL_CAP_MULTI_CHANNEL = 0x00000008;
inline constexpr std::uint32_t SMB2_GLOBAL_CAP_PERSISTENT_HANDLES = 0x00000010;
inline constexpr std::uint32_t SMB2_GLOBAL_CAP_DIRECTORY_LEASING = 0x00000020;
inline constexpr std::uint32_t SMB2_GLOBAL_CAP_ENCRYPTION = 0x00000040;
inline constexpr std::uint32_t SMB2_GLOBAL_CAP_NOTIFICATIONS = 0x00000080;
// "DFS", "LEASING", ... plus "0x..." for unknown bits.
std::vector<std::string> smb2_capability_names(std::uint32_t caps);

// ---- 2.2.3.1 negotiate contexts ---------------------------------------------------------------

inline constexpr std::uint16_t SMB2_PREAUTH_INTEGRITY_CAPABILITIES = 0x0001;
inline constexpr std::uint16_t SMB2_ENCRYPTION_CAPABILITIES = 0x0002;
inline constexpr std::uint16_t SMB2_COMPRESSION_CAPABILITIES = 0x0003;
inline constexpr std::uint16_t SMB2_NETNAME_NEGOTIATE_CONTEXT_ID = 0x0005;
inline constexpr std::uint16_t SMB2_TRANSPORT_CAPABILITIES = 0x0006;
inline constexpr std::uint16_t SMB2_RDMA_TRANSFORM_CAPABILITIES = 0x0007;
inline constexpr std::uint16_t SMB2_SIGNING_CAPABILITIES = 0x0008;
std::string smb2_context_type_name(std::uint16_t type);

inline constexpr std::uint16_t SMB2_PREAUTH_INTEGRITY_SHA512 = 0x0001;
std::string smb2_hash_algorithm_name(std::uint16_t id);  // "SHA-512"
inline constexpr std::uint16_t SMB2_ENCRYPTION_AES128_CCM = 0x0001;
inline constexpr std::uint16_t SMB2_ENCRYPTION_AES128_GCM = 0x0002;
inline constexpr std::uint16_t SMB2_ENCRYPTION_AES256_CCM = 0x0003;
inline constexpr std::uint16_t SMB2_ENCRYPTION_AES256_GCM = 0x0004;
std::string smb2_cipher_name(std::uint16_t id);  // "AES-128-CCM" ... ; "none" for 0 (no common cipher)
inline constexpr std::uint16_t SMB2_SIGNING_HMAC_SHA256 = 0x0000;
inline constexpr std::uint16_t SMB2_SIGNING_AES_CMAC = 0x0001;
inline constexpr std::uint16_t SMB2_SIGNING_AES_GMAC = 0x0002;
std::string smb2_signing_algorithm_name(std::uint16_t id);  // "HMAC-SHA256", "AES-CMAC", "AES-GMAC"
inline constexpr std::uint16_t SMB2_COMPRESSION_NONE = 0x0000;
inline constexpr std::uint16_t SMB2_COMPRESSION_LZNT1 = 0x0001;
inline constexpr std::uint16_t SMB2_COMPRESSION_LZ77 = 0x0002;
inline constexpr std::uint16_t SMB2_COMPRESSION_LZ77_HUFFMAN = 0x0003;
inline constexpr std::uint16_t SMB2_COMPRESSION_PATTERN_V1 = 0x0004;
inline constexpr std::uint16_t SMB2_COMPRESSION_LZ4 = 0x0005;
std::string smb2_compression_algorithm_name(std::uint16_t id);  // "NONE", "LZNT1", "LZ77", "LZ77+Huffman", ...
inline constexpr std::uint32_t SMB2_COMPRESSION_CAPABILITIES_FLAG_CHAINED = 0x00000001;
inline constexpr std::uint32_t SMB2_ACCEPT_TRANSPORT_LEVEL_SECURITY = 0x00000001;

// Caps on what a decoder accepts.
inline constexpr std::size_t kMaxNegotiateContexts = 64;
inline constexpr std::size_t kMaxDialects = 256;
inline constexpr std::size_t kMaxSecurityBuffer = 64 * 1024;
inline constexpr std::size_t kMaxContextListEntries = 64;  // algorithms/ciphers inside one context

// One context as it appeared on the wire (known ones are also decoded into typed fields).
struct Smb2NegotiateContext {
  std::uint16_t ContextType = 0;
  std::uint16_t DataLength = 0;
  Bytes Data;

  friend bool operator==(const Smb2NegotiateContext&, const Smb2NegotiateContext&) = default;
};

// The decoded content of a negotiate context list (request or response).
struct Smb2NegotiateContexts {
  // 2.2.3.1.1
  std::vector<std::uint16_t> HashAlgorithms;
  Bytes Salt;
  // 2.2.3.1.2 (a response carries exactly one cipher, 0 = no common cipher)
  std::vector<std::uint16_t> Ciphers;
  // 2.2.3.1.3
  std::optional<std::uint32_t> CompressionFlags;
  std::vector<std::uint16_t> CompressionAlgorithms;
  // 2.2.3.1.4
  std::optional<std::string> NetName;  // UTF-8
  // 2.2.3.1.5
  std::optional<std::uint32_t> TransportFlags;
  // 2.2.3.1.6
  std::vector<std::uint16_t> RdmaTransformIds;
  // 2.2.3.1.7
  std::vector<std::uint16_t> SigningAlgorithms;
  // Every context in wire order, known or not.
  std::vector<Smb2NegotiateContext> all;

  friend bool operator==(const Smb2NegotiateContexts&, const Smb2NegotiateContexts&) = default;
};

// ---- 2.2.3 NEGOTIATE request ------------------------------------------------------------------

struct Smb2NegotiateRequestOptions {
  Smb2Header header;  // MessageId, CreditRequest, ... (Command is forced to NEGOTIATE)
  std::vector<std::uint16_t> Dialects{SMB2_DIALECT_202, SMB2_DIALECT_210, SMB2_DIALECT_300, SMB2_DIALECT_302,
                                      SMB2_DIALECT_311};
  std::uint16_t SecurityMode = SMB2_NEGOTIATE_SIGNING_ENABLED;
  std::uint32_t Capabilities = 0;
  std::array<std::uint8_t, 16> ClientGuid{};
  std::uint64_t ClientStartTime = 0;  // only when 0x0311 is not offered

  // Negotiate contexts, written only when Dialects contains 0x0311; each one is optional. Written in
  // the order preauth, encryption, signing, compression, netname, transport, RDMA.
  struct PreauthIntegrity {
    std::vector<std::uint16_t> HashAlgorithms{SMB2_PREAUTH_INTEGRITY_SHA512};
    Bytes Salt;  // 32 random bytes chosen by the caller
  };
  std::optional<PreauthIntegrity> preauth_integrity;
  std::optional<std::vector<std::uint16_t>> encryption_ciphers;
  struct Compression {
    std::uint32_t Flags = 0;
    std::vector<std::uint16_t> CompressionAlgorithms;
  };
  std::optional<Compression> compression;
  std::optional<std::string> netname;  // UTF-8; sent as UTF-16LE without terminator
  std::optional<std::uint32_t> transport_flags;
  std::optional<std::vector<std::uint16_t>> rdma_transform_ids;
  std::optional<std::vector<std::uint16_t>> signing_algorithms;
};
// Fails only when a list is too long for its count field.
Decoded<Bytes> encode_smb2_negotiate_request(const Smb2NegotiateRequestOptions& options);

struct Smb2NegotiateRequest {
  Smb2Header header;
  std::uint16_t StructureSize = 0;
  std::uint16_t DialectCount = 0;
  std::uint16_t SecurityMode = 0;
  std::uint32_t Capabilities = 0;
  std::array<std::uint8_t, 16> ClientGuid{};
  std::uint32_t NegotiateContextOffset = 0;  // when 0x0311 offered
  std::uint16_t NegotiateContextCount = 0;
  std::uint64_t ClientStartTime = 0;  // otherwise
  std::vector<std::uint16_t> Dialects;
  Smb2NegotiateContexts contexts;

  friend bool operator==(const Smb2NegotiateRequest&, const Smb2NegotiateRequest&) = default;
};
Decoded<Smb2NegotiateRequest> decode_smb2_negotiate_request(ByteView message);

// ---- 2.2.2 ERROR response and the reply wrapper -----------------------------------------------

struct Smb2ErrorResponse {
  std::uint16_t StructureSize = 0;
  std::uint8_t ErrorContextCount = 0;
  std::uint32_t ByteCount = 0;
  Bytes ErrorData;

  friend bool operator==(const Smb2ErrorResponse&, const Smb2ErrorResponse&) = default;
};

// What a server answered to a request: either the command's response, or an ERROR response whose
// header Status says why (e.g. STATUS_NOT_SUPPORTED 0xC00000BB for a dialect below the minimum).
template <class T>
struct Smb2Reply {
  Smb2Header header;
  std::optional<T> response;
  std::optional<Smb2ErrorResponse> error;

  [[nodiscard]] bool is_error() const { return error.has_value(); }
  [[nodiscard]] std::uint32_t status() const { return header.Status; }
  [[nodiscard]] std::string status_string() const { return "status " + ntstatus_string(header.Status); }
};

Decoded<Smb2Reply<Smb2ErrorResponse>> decode_smb2_error_response(ByteView message);

// ---- 2.2.4 NEGOTIATE response -----------------------------------------------------------------

struct Smb2NegotiateResponse {
  std::uint16_t StructureSize = 0;
  std::uint16_t SecurityMode = 0;
  std::uint16_t DialectRevision = 0;
  std::uint16_t NegotiateContextCount = 0;  // 0x0311 only (otherwise Reserved)
  std::array<std::uint8_t, 16> ServerGuid{};
  std::uint32_t Capabilities = 0;
  std::uint32_t MaxTransactSize = 0;
  std::uint32_t MaxReadSize = 0;
  std::uint32_t MaxWriteSize = 0;
  std::uint64_t SystemTime = 0;       // FILETIME
  std::uint64_t ServerStartTime = 0;  // FILETIME, often 0
  std::uint16_t SecurityBufferOffset = 0;
  std::uint16_t SecurityBufferLength = 0;
  std::uint32_t NegotiateContextOffset = 0;  // 0x0311 only (otherwise Reserved2)
  Bytes SecurityBuffer;                      // usually a SPNEGO NegTokenInit (spnego.hpp)
  Smb2NegotiateContexts contexts;            // 0x0311 only

  friend bool operator==(const Smb2NegotiateResponse&, const Smb2NegotiateResponse&) = default;
};
// A NEGOTIATE response (Status 0) or an ERROR response (any other Status).
Decoded<Smb2Reply<Smb2NegotiateResponse>> decode_smb2_negotiate_response(ByteView message);
// Writes a response; for tests and fuzz round trips (a scanner never serves).
Decoded<Bytes> encode_smb2_negotiate_response(const Smb2Header& header, const Smb2NegotiateResponse& response);

// ---- 2.2.5 / 2.2.6 SESSION_SETUP --------------------------------------------------------------

inline constexpr std::uint8_t SMB2_SESSION_FLAG_BINDING = 0x01;
inline constexpr std::uint16_t SMB2_SESSION_FLAG_IS_GUEST = 0x0001;
inline constexpr std::uint16_t SMB2_SESSION_FLAG_IS_NULL = 0x0002;
inline constexpr std::uint16_t SMB2_SESSION_FLAG_ENCRYPT_DATA = 0x0004;
std::vector<std::string> smb2_session_flag_names(std::uint16_t flags);

struct Smb2SessionSetupRequestOptions {
  Smb2Header header;  // MessageId, SessionId (0 first, then the server's), CreditRequest...
  std::uint8_t Flags = 0;
  std::uint8_t SecurityMode = SMB2_NEGOTIATE_SIGNING_ENABLED;
  std::uint32_t Capabilities = SMB2_GLOBAL_CAP_DFS;
  std::uint32_t Channel = 0;
  std::uint64_t PreviousSessionId = 0;
  Bytes SecurityBuffer;  // e.g. SPNEGO NegTokenInit carrying the NTLMSSP NEGOTIATE_MESSAGE
};
Decoded<Bytes> encode_smb2_session_setup_request(const Smb2SessionSetupRequestOptions& options);

struct Smb2SessionSetupRequest {
  Smb2Header header;
  std::uint16_t StructureSize = 0;
  std::uint8_t Flags = 0;
  std::uint8_t SecurityMode = 0;
  std::uint32_t Capabilities = 0;
  std::uint32_t Channel = 0;
  std::uint16_t SecurityBufferOffset = 0;
  std::uint16_t SecurityBufferLength = 0;
  std::uint64_t PreviousSessionId = 0;
  Bytes SecurityBuffer;

  friend bool operator==(const Smb2SessionSetupRequest&, const Smb2SessionSetupRequest&) = default;
};
Decoded<Smb2SessionSetupRequest> decode_smb2_session_setup_request(ByteView message);

struct Smb2SessionSetupResponse {
  std::uint16_t StructureSize = 0;
  std::uint16_t SessionFlags = 0;
  std::uint16_t SecurityBufferOffset = 0;
  std::uint16_t SecurityBufferLength = 0;
  Bytes SecurityBuffer;  // SPNEGO NegTokenResp (spnego.hpp) with the NTLMSSP CHALLENGE_MESSAGE

  friend bool operator==(const Smb2SessionSetupResponse&, const Smb2SessionSetupResponse&) = default;
};
// STATUS_SUCCESS and STATUS_MORE_PROCESSING_REQUIRED carry a SESSION_SETUP response; any other
// Status an ERROR response.
Decoded<Smb2Reply<Smb2SessionSetupResponse>> decode_smb2_session_setup_response(ByteView message);

}  // namespace legacyscan::smb
