// SPDX-License-Identifier: Apache-2.0
// Golden bytes of the NetBIOS probe's unit tests: tests/data/netbios/<scenario>_<what>_{request,response}.hex,
// UDP payloads captured with `scripts/lab capture <scenario>` from the lab DCs (Samba 4.17) while
// legacyscan (or nmblookup, for the *_nmblookup_* and *_nosuch_* files) ran, extracted with
// `tshark -T fields -e udp.payload`. legacy_sam_logon_v5_patched_request is legacyscan's V5EX request
// with NtVersion set to 2 (and its SOURCE_PORT to the sending socket's), sent by a Python script;
// legacy_sam_logon_v5_response is the DC's answer to it.
#pragma once

#include <string>

#include "legacyscan/bytes.hpp"
#include "tests/unit/golden_hex.hpp"

namespace legacyscan::netbios::testdata {

inline Bytes golden(const std::string& name) { return golden_hex("netbios", name); }

inline const char* const kScenarios[] = {"legacy", "hardened", "stock"};

}  // namespace legacyscan::netbios::testdata
