// SPDX-License-Identifier: Apache-2.0
// The LDAP channel-binding check computes NTLMv2 responses with MD4 and HMAC-MD5 from
// probes/kerberos/kerberos_crypto.cpp (MD4 is written out there: OpenSSL 3 keeps it in the legacy
// provider). CMake compiles probes/kerberos/ only when the kerberos probe is built; in a build without
// it, compile that one file here so the ldap probe still links. (With both probes built this is empty.)
#ifndef LEGACYSCAN_PROBE_KERBEROS
#include "probes/kerberos/kerberos_crypto.cpp"  // NOLINT(bugprone-suspicious-include)
#endif
