// SPDX-License-Identifier: Apache-2.0
// Certificate facts, read with OpenSSL from the DER certificates (RFC 5280) a server sent.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::tls {

// What the leaf certificate says, and the subjects of the chain.
struct CertificateFacts {
  std::string subject;           // RFC 2253
  std::vector<std::string> san;  // "DNS:dc1.legacy.lab", "IP:127.0.0.1"
  std::string issuer;
  bool self_signed = false;
  std::string key_type;  // "RSA", "EC", "DSA", "ED25519"
  int key_bits = 0;
  std::string signature_algorithm;  // "sha256WithRSAEncryption"
  bool sha1_signature = false;      // signed with SHA-1 or an older digest
  std::string not_before;           // RFC 3339
  std::string not_after;
  long days_left = 0;
  std::vector<std::string> chain;  // subjects of the certificates as sent, leaf first
};

// chain[0] is the leaf. `now` decides days_left.
Decoded<CertificateFacts> certificate_info(const std::vector<Bytes>& chain, std::time_t now);
// Public-key size of a DER certificate (RSA modulus bits for RSA key exchange), 0 when unreadable.
int public_key_bits(ByteView der);

}  // namespace legacyscan::tls
