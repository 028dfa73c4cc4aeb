// SPDX-License-Identifier: Apache-2.0
// The netbios probe reuses the RFC 1001 first-level name encoding of probes/smb/nbss.cpp. CMake
// compiles probes/smb/ only when the smb probe is built; in a build without it, compile that one file
// here so the netbios probe still links. (With both probes built this file is empty.)
#ifndef LEGACYSCAN_PROBE_SMB
#include "probes/smb/nbss.cpp"  // NOLINT(bugprone-suspicious-include)
#endif
