// SPDX-License-Identifier: Apache-2.0
// What the Kerberos integration tests share: the etype names of the JSON contract (docs/probes/kerberos.md).
#pragma once

#include <string>
#include <vector>

namespace legacyscan::testing {

// Every etype the probe enumerates, by the names hosts[].probes.kerberos.etypes must use.
inline const std::vector<std::string> kKerberosEtypeNames{"des-cbc-crc",
                                                          "des-cbc-md5",
                                                          "des3-cbc-sha1",
                                                          "aes128-cts-hmac-sha1-96",
                                                          "aes256-cts-hmac-sha1-96",
                                                          "aes128-cts-hmac-sha256-128",
                                                          "aes256-cts-hmac-sha384-192",
                                                          "rc4-hmac",
                                                          "rc4-hmac-exp",
                                                          "camellia128-cts-cmac",
                                                          "camellia256-cts-cmac"};

}  // namespace legacyscan::testing
