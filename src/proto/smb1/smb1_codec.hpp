// SPDX-License-Identifier: Apache-2.0
// SMB1 (CIFS) messages the scanner needs: the header ([MS-CIFS] 2.2.3.1), SMB_COM_NEGOTIATE request
// and its response in every form a server may pick ([MS-CIFS] 2.2.4.52, [MS-SMB] 2.2.4.5), and
// SMB_COM_SESSION_SETUP_ANDX with extended security ([MS-SMB] 2.2.4.6) for NTLMSSP on SMB1-only
// servers. Pure codecs: no sockets.
//
// Every decoder takes one SMB message starting at Protocol (0xFF 'SMB'), the 4-byte transport
// header already removed (nbss.hpp). A server may answer an SMB1 negotiate that lists "SMB 2.002" or
// "SMB 2.???" with an SMB2 NEGOTIATE response; decode_reply_to_smb1_negotiate() handles both.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"
#include "src/proto/smb2/smb2_codec.hpp"

namespace legacyscan::smb {

inline constexpr std::size_t kSmb1HeaderSize = 32;

inline constexpr std::uint8_t SMB_COM_NEGOTIATE = 0x72;
inline constexpr std::uint8_t SMB_COM_SESSION_SETUP_ANDX = 0x73;
inline constexpr std::uint8_t SMB_COM_NO_ANDX_COMMAND = 0xFF;

// [MS-CIFS] 2.2.3.1 Flags
inline constexpr std::uint8_t SMB_FLAGS_LOCK_AND_READ_OK = 0x01;
inline constexpr std::uint8_t SMB_FLAGS_CASE_INSENSITIVE = 0x08;
inline constexpr std::uint8_t SMB_FLAGS_CANONICALIZED_PATHS = 0x10;
inline constexpr std::uint8_t SMB_FLAGS_REPLY = 0x80;
// [MS-CIFS] 2.2.3.1 / [MS-SMB] 2.2.3.1 Flags2
inline constexpr std::uint16_t SMB_FLAGS2_LONG_NAMES = 0x0001;
inline constexpr std::uint16_t SMB_FLAGS2_EAS = 0x0002;
inline constexpr std::uint16_t SMB_FLAGS2_SMB_SECURITY_SIGNATURE = 0x0004;
inline constexpr std::uint16_t SMB_FLAGS2_SMB_SECURITY_SIGNATURE_REQUIRED = 0x0010;
inline constexpr std::uint16_t SMB_FLAGS2_IS_LONG_NAME = 0x0040;
inline constexpr std::uint16_t SMB_FLAGS2_EXTENDED_SECURITY = 0x0800;
inline constexpr std::uint16_t SMB_FLAGS2_DFS = 0x1000;
inline constexpr std::uint16_t SMB_FLAGS2_NT_STATUS = 0x4000;
inline constexpr std::uint16_t SMB_FLAGS2_UNICODE = 0x8000;

// What a Windows client sends ([MS-SMB2] 4.1/4.2): Flags 0x18, Flags2 0xC853, TID 0xFFFF, PID 0xFEFF.
inline constexpr std::uint8_t kWindowsFlags = SMB_FLAGS_CASE_INSENSITIVE | SMB_FLAGS_CANONICALIZED_PATHS;
inline constexpr std::uint16_t kWindowsFlags2 =
    SMB_FLAGS2_UNICODE | SMB_FLAGS2_NT_STATUS | SMB_FLAGS2_EXTENDED_SECURITY | SMB_FLAGS2_IS_LONG_NAME |
    SMB_FLAGS2_SMB_SECURITY_SIGNATURE_REQUIRED | SMB_FLAGS2_EAS | SMB_FLAGS2_LONG_NAMES;

// [MS-CIFS] 2.2.4.52.2 SecurityMode
inline constexpr std::uint16_t NEGOTIATE_USER_SECURITY = 0x01;
inline constexpr std::uint16_t NEGOTIATE_ENCRYPT_PASSWORDS = 0x02;
inline constexpr std::uint16_t NEGOTIATE_SECURITY_SIGNATURES_ENABLED = 0x04;
inline constexpr std::uint16_t NEGOTIATE_SECURITY_SIGNATURES_REQUIRED = 0x08;
std::vector<std::string> smb1_security_mode_names(std::uint16_t mode);

// [MS-CIFS] 2.2.4.52.2 / [MS-SMB] 2.2.4.5.2 Capabilities
inline constexpr std::uint32_t CAP_RAW_MODE = 0x00000001;
inline constexpr std::uint32_t CAP_MPX_MODE = 0x00000002;
inline constexpr std::uint32_t CAP_UNICODE = 0x00000004;
inline constexpr std::uint32_t CAP_LARGE_FILES = 0x00000008;
inline constexpr std::uint32_t CAP_NT_SMBS = 0x00000010;
inline constexpr std::uint32_t CAP_RPC_REMOTE_APIS = 0x00000020;
inline constexpr std::uint32_t CAP_STATUS32 = 0x00000040;
inline constexpr std::uint32_t CAP_LEVEL_II_OPLOCKS = 0x00000080;
inline constexpr std::uint32_t CAP_LOCK_AND_READ = 0x00000100;
inline constexpr std::uint32_t CAP_NT_FIND = 0x00000200;
inline constexpr std::uint32_t CAP_DFS = 0x00001000;
inline constexpr std::uint32_t CAP_INFOLEVEL_PASSTHRU = 0x00002000;
inline constexpr std::uint32_t CAP_LARGE_READX = 0x00004000;
inline constexpr std::uint32_t CAP_LARGE_WRITEX = 0x00008000;
inline constexpr std::uint32_t CAP_LWIO = 0x00010000;
inline constexpr std::uint32_t CAP_UNIX = 0x00800000;
inline constexpr std::uint32_t CAP_COMPRESSED_DATA = 0x02000000;
inline constexpr std::uint32_t CAP_DYNAMIC_REAUTH = 0x20000000;
inline constexpr std::uint32_t CAP_PERSISTENT_HANDLES = 0x40000000;
inline constexpr std::uint32_t CAP_EXTENDED_SECURITY = 0x80000000;
// "CAP_RAW_MODE", "CAP_UNICODE", ... plus "0x..." for unknown bits.
std::vector<std::string> smb1_capability_names(std::uint32_t caps);

// ---- header -----------------------------------------------------------------------------------

struct Smb1Header {
  std::uint8_t Command = 0;
  std::uint32_t Status = 0;  // NTSTATUS, or ErrorClass/Reserved/ErrorCode when NT_STATUS is clear
  std::uint8_t Flags = kWindowsFlags;
  std::uint16_t Flags2 = kWindowsFlags2;
  std::uint16_t PIDHigh = 0;
  std::array<std::uint8_t, 8> SecurityFeatures{};
  std::uint16_t Reserved = 0;
  std::uint16_t TID = 0xFFFF;
  std::uint16_t PIDLow = 0xFEFF;
  std::uint16_t UID = 0;
  std::uint16_t MID = 0;

  [[nodiscard]] bool is_reply() const { return (Flags & SMB_FLAGS_REPLY) != 0; }
  [[nodiscard]] bool nt_status() const { return (Flags2 & SMB_FLAGS2_NT_STATUS) != 0; }
  [[nodiscard]] bool unicode() const { return (Flags2 & SMB_FLAGS2_UNICODE) != 0; }
  friend bool operator==(const Smb1Header&, const Smb1Header&) = default;
};
void encode_smb1_header(Writer& w, const Smb1Header& h);
Decoded<Smb1Header> decode_smb1_header(ByteView message);
// "STATUS_LOGON_FAILURE (0xc000006d)", or "DOS error class 0x01 code 0x0002" without NT_STATUS.
std::string smb1_status_string(const Smb1Header& h);

// ---- SMB_COM_NEGOTIATE ([MS-CIFS] 2.2.4.52) ---------------------------------------------------

// Dialect strings a Windows 7 client offers ([MS-SMB2] 4.2), in its order.
inline const std::vector<std::string> kWindows7Dialects{"PC NETWORK PROGRAM 1.0",
                                                        "LANMAN1.0",
                                                        "Windows for Workgroups 3.1a",
                                                        "LM1.2X002",
                                                        "LANMAN2.1",
                                                        "NT LM 0.12",
                                                        "SMB 2.002",
                                                        "SMB 2.???"};

struct Smb1NegotiateRequestOptions {
  // Command is forced to SMB_COM_NEGOTIATE. Clear SMB_FLAGS2_EXTENDED_SECURITY or SMB_FLAGS2_UNICODE
  // in header.Flags2 to offer without them.
  Smb1Header header;
  std::vector<std::string> Dialects{"NT LM 0.12"};
};
// Each dialect is written as 0x02 (BufferFormat) + the string + NUL. Fails on a dialect containing
// NUL or a list too long for ByteCount.
Decoded<Bytes> encode_smb1_negotiate_request(const Smb1NegotiateRequestOptions& options);

struct Smb1NegotiateRequest {
  Smb1Header header;
  std::vector<std::string> Dialects;
  friend bool operator==(const Smb1NegotiateRequest&, const Smb1NegotiateRequest&) = default;
};
Decoded<Smb1NegotiateRequest> decode_smb1_negotiate_request(ByteView message);

inline constexpr std::uint16_t kNoDialectAccepted = 0xFFFF;
inline constexpr std::size_t kMaxSmb1Dialects = 256;
inline constexpr std::size_t kMaxSmb1StringUnits = 1024;

// NT LAN Manager form, WordCount 17 ([MS-CIFS] 2.2.4.52.2, [MS-SMB] 2.2.4.5.2).
struct Smb1NtLmNegotiate {
  std::uint8_t SecurityMode = 0;
  std::uint16_t MaxMpxCount = 0;
  std::uint16_t MaxNumberVcs = 0;
  std::uint32_t MaxBufferSize = 0;
  std::uint32_t MaxRawSize = 0;
  std::uint32_t SessionKey = 0;
  std::uint32_t Capabilities = 0;
  std::uint64_t SystemTime = 0;     // FILETIME, see filetime_to_rfc3339()
  std::int16_t ServerTimeZone = 0;  // minutes from UTC
  std::uint8_t ChallengeLength = 0;
  // CAP_EXTENDED_SECURITY set:
  bool extended_security = false;
  std::array<std::uint8_t, 16> ServerGUID{};
  Bytes SecurityBlob;  // SPNEGO NegTokenInit, possibly empty
  // otherwise:
  Bytes Challenge;         // the EncryptionKey, ChallengeLength bytes
  std::string DomainName;  // UTF-8 (decoded from Unicode or OEM per Flags2)
  std::string ServerName;
  friend bool operator==(const Smb1NtLmNegotiate&, const Smb1NtLmNegotiate&) = default;
};

// LAN Manager 1.0 - 2.1 form, WordCount 13 ([MS-CIFS] 2.2.4.52.2, [SMB-LM21]).
struct Smb1LanmanNegotiate {
  std::uint16_t SecurityMode = 0;
  std::uint16_t MaxBufferSize = 0;
  std::uint16_t MaxMpxCount = 0;
  std::uint16_t MaxNumberVcs = 0;
  std::uint16_t RawMode = 0;
  std::uint32_t SessionKey = 0;
  std::uint16_t ServerTime = 0;  // SMB_TIME
  std::uint16_t ServerDate = 0;  // SMB_DATE
  std::int16_t ServerTimeZone = 0;
  std::uint16_t ChallengeLength = 0;
  Bytes Challenge;
  // OEM, null-terminated, LANMAN2.1 only; absent when the data ends after the challenge (Samba sends none).
  std::optional<std::string> DomainName;
  friend bool operator==(const Smb1LanmanNegotiate&, const Smb1LanmanNegotiate&) = default;
};
// SMB_DATE + SMB_TIME ([MS-CIFS] 2.2.1.4.1/2.2.1.4.2, server local time) as "YYYY-MM-DDTHH:MM:SS".
std::string smb_date_time_string(std::uint16_t date, std::uint16_t time);

struct Smb1NegotiateResponse {
  enum class Form {
    Error,            // WordCount 0: the server returned an error (see header.Status)
    NoDialectChosen,  // WordCount 1, DialectIndex 0xFFFF: none of the offered dialects is accepted
    Core,             // WordCount 1: Core Protocol, DialectIndex only
    Lanman,           // WordCount 13
    NtLm,             // WordCount 17
  };
  Smb1Header header;
  Form form = Form::Error;
  std::uint8_t WordCount = 0;
  std::uint16_t DialectIndex = 0;
  std::optional<Smb1NtLmNegotiate> nt_lm;
  std::optional<Smb1LanmanNegotiate> lanman;
  friend bool operator==(const Smb1NegotiateResponse&, const Smb1NegotiateResponse&) = default;
};
std::string_view smb1_negotiate_form_name(Smb1NegotiateResponse::Form form);
// The dialect string the server chose from the offered list, or "" (0xFFFF, out of range).
std::string smb1_chosen_dialect(const Smb1NegotiateResponse& response, const std::vector<std::string>& offered);
Decoded<Smb1NegotiateResponse> decode_smb1_negotiate_response(ByteView message);
// Writes a response (tests and fuzz round trips). The form is taken from `form`.
Decoded<Bytes> encode_smb1_negotiate_response(const Smb1NegotiateResponse& response);

// A reply to an SMB1 negotiate: SMB1 (any form above), or SMB2 when "SMB 2.002"/"SMB 2.???" was
// offered and the server prefers SMB2 ([MS-SMB2] 3.3.5.3.1: DialectRevision 0x0202 or 0x02FF).
struct Smb1OfferReply {
  SmbProtocol protocol = SmbProtocol::Unknown;
  std::optional<Smb1NegotiateResponse> smb1;
  std::optional<Smb2Reply<Smb2NegotiateResponse>> smb2;
};
Decoded<Smb1OfferReply> decode_reply_to_smb1_negotiate(ByteView message);

// ---- SMB_COM_SESSION_SETUP_ANDX with extended security ([MS-SMB] 2.2.4.6) -------------------

struct Smb1SessionSetupRequestOptions {
  Smb1Header header;  // Command forced to SMB_COM_SESSION_SETUP_ANDX; set UID from the first reply
  std::uint16_t MaxBufferSize = 0xFFFF;
  std::uint16_t MaxMpxCount = 50;
  std::uint16_t VcNumber = 0;
  std::uint32_t SessionKey = 0;  // the SessionKey from the negotiate response
  std::uint32_t Capabilities =
      CAP_EXTENDED_SECURITY | CAP_LARGE_FILES | CAP_NT_SMBS | CAP_STATUS32 | CAP_UNICODE | CAP_LEVEL_II_OPLOCKS;
  Bytes SecurityBlob;    // SPNEGO NegTokenInit with the NTLMSSP NEGOTIATE_MESSAGE
  std::string NativeOS;  // Unicode when header.Flags2 has SMB_FLAGS2_UNICODE, else OEM
  std::string NativeLanMan;
};
Decoded<Bytes> encode_smb1_session_setup_request(const Smb1SessionSetupRequestOptions& options);

struct Smb1SessionSetupRequest {
  Smb1Header header;
  std::uint8_t WordCount = 0;
  std::uint8_t AndXCommand = 0;
  std::uint16_t AndXOffset = 0;
  std::uint16_t MaxBufferSize = 0;
  std::uint16_t MaxMpxCount = 0;
  std::uint16_t VcNumber = 0;
  std::uint32_t SessionKey = 0;
  std::uint32_t Capabilities = 0;
  Bytes SecurityBlob;
  std::string NativeOS;
  std::string NativeLanMan;
  friend bool operator==(const Smb1SessionSetupRequest&, const Smb1SessionSetupRequest&) = default;
};
Decoded<Smb1SessionSetupRequest> decode_smb1_session_setup_request(ByteView message);

inline constexpr std::uint16_t SMB_SETUP_GUEST = 0x0001;
inline constexpr std::uint16_t SMB_SETUP_USE_LANMAN_KEY = 0x0002;

struct Smb1SessionSetupResponse {
  Smb1Header header;           // header.Status: STATUS_MORE_PROCESSING_REQUIRED with the CHALLENGE, errors...
  std::uint8_t WordCount = 0;  // 4 (extended security), 3 (without), 0 (error)
  std::uint8_t AndXCommand = SMB_COM_NO_ANDX_COMMAND;
  std::uint16_t AndXOffset = 0;
  std::uint16_t Action = 0;
  Bytes SecurityBlob;  // SPNEGO NegTokenResp
  // Optional trailing strings ([MS-SMB] 2.2.4.6.2); empty when absent.
  std::string NativeOS;
  std::string NativeLanMan;
  std::string PrimaryDomain;

  [[nodiscard]] bool is_error() const { return WordCount == 0; }
  friend bool operator==(const Smb1SessionSetupResponse&, const Smb1SessionSetupResponse&) = default;
};
Decoded<Smb1SessionSetupResponse> decode_smb1_session_setup_response(ByteView message);

}  // namespace legacyscan::smb
