// SPDX-License-Identifier: Apache-2.0
// The MIT keytab file format (version 0x0502, as `kadmin ktadd`, `ktutil` and Windows' ktpass write it;
// the format is described in MIT krb5's doc/formats/keytab_file_format.rst). Pure: the file's bytes in,
// the entries or an error out. The key bytes are kept only as long as the caller keeps the entries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::kerberos {

inline constexpr std::size_t kMaxKeytabFile = 1024 * 1024;  // bytes the probe reads from a keytab
inline constexpr std::size_t kMaxKeytabEntries = 4096;

struct KeytabEntry {
  std::string realm;
  std::vector<std::string> components;  // "host", "dc1.example.test" for host/dc1.example.test
  std::uint32_t name_type = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t kvno = 0;  // the 32-bit kvno when present and non-zero, else the 8-bit one
  std::int32_t enctype = 0;
  Bytes key;

  [[nodiscard]] std::string principal() const;  // "host/dc1.example.test@EXAMPLE.TEST"
};

// Every entry of a version 0x0502 keytab; holes (negative record lengths) are skipped. Errors name the
// entry and the field ("entry 2: key: truncated"). Version 0x0501 (host byte order) is refused by name.
Decoded<std::vector<KeytabEntry>> decode_keytab(ByteView file);

// The key of `etype` for the principal name@realm (components joined by '/'; realm compared without
// regard to case), highest kvno first; nullptr when there is none.
const KeytabEntry* find_keytab_key(const std::vector<KeytabEntry>& entries, std::string_view name,
                                   std::string_view realm, std::int32_t etype);

}  // namespace legacyscan::kerberos
