// SPDX-License-Identifier: Apache-2.0
// What the SMB probe's checks share: the lists the client offers, the NEGOTIATE requests that carry
// them, one port's state, a request on a connection of its own, and how an offer fared.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <array>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "legacyscan/engine/probe.hpp"
#include "probes/smb/smb_channel.hpp"
#include "probes/smb/smb_result.hpp"
#include "src/proto/smb2/smb2_codec.hpp"

namespace legacyscan::smb {

// [MS-CIFS] 1.7 / [MS-SMB] 4.2: the classic dialect strings, oldest first.
inline const std::vector<std::string> kSmb1Dialects{
    "PC NETWORK PROGRAM 1.0", "LANMAN1.0", "Windows for Workgroups 3.1a", "LM1.2X002", "LANMAN2.1", "NT LM 0.12"};
// What Windows Vista and 7 send first ([MS-SMB2] 4.2 shows the list).
inline const std::vector<std::string> kMultiProtocolDialects{"NT LM 0.12", "SMB 2.002", "SMB 2.???"};
inline const std::vector<std::uint16_t> kSmb2Dialects{SMB2_DIALECT_202, SMB2_DIALECT_210, SMB2_DIALECT_300,
                                                      SMB2_DIALECT_302, SMB2_DIALECT_311};
inline const std::vector<std::uint16_t> kCiphers{SMB2_ENCRYPTION_AES128_CCM, SMB2_ENCRYPTION_AES128_GCM,
                                                 SMB2_ENCRYPTION_AES256_CCM, SMB2_ENCRYPTION_AES256_GCM};
inline const std::vector<std::uint16_t> kSigningAlgorithms{SMB2_SIGNING_HMAC_SHA256, SMB2_SIGNING_AES_CMAC,
                                                           SMB2_SIGNING_AES_GMAC};
inline const std::vector<std::uint16_t> kCompression{SMB2_COMPRESSION_LZNT1, SMB2_COMPRESSION_LZ77,
                                                     SMB2_COMPRESSION_LZ77_HUFFMAN, SMB2_COMPRESSION_PATTERN_V1,
                                                     SMB2_COMPRESSION_LZ4};

// Per-port state shared by the checks of that port.
struct PortScan {
  ProbeContext& ctx;
  std::uint16_t port;
  Transport transport;
  std::string called_name;  // NBSS called name that works (139)
};

// A connection of its own: opens it and sends one request; `ch` keeps it for what follows.
boost::asio::awaitable<Outcome> open_and_request(PortScan& ps, ByteView request, std::unique_ptr<SmbChannel>& ch,
                                                 Bytes& reply);
// One connection, one request, one reply.
boost::asio::awaitable<Outcome> exchange(PortScan& ps, ByteView request, Bytes& reply);

// The NEGOTIATE requests: SMB1 with these dialect strings; SMB2 with these dialects (3.1.1 with its
// negotiate contexts: preauth integrity, every cipher and signing algorithm).
Bytes smb1_negotiate(const std::vector<std::string>& dialects);
Smb2NegotiateRequestOptions smb2_options(std::vector<std::uint16_t> dialects);
Bytes smb2_negotiate(const Smb2NegotiateRequestOptions& o);

Signing signing_from_smb2(std::uint16_t mode);
// What a failed exchange means for an offer.
OfferCheck refusal_from_outcome(std::string offered, const Outcome& o);
OfferCheck make_check(std::string offered, OfferAnswer answer, std::string detail);

}  // namespace legacyscan::smb
