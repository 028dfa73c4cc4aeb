// SPDX-License-Identifier: Apache-2.0
// The text of OpenSSL's error queue, for results that say why a handshake through OpenSSL failed.
#pragma once

#include <openssl/err.h>

#include <string>
#include <string_view>

namespace legacyscan {

// `what`, then ": <error>" for every entry of this thread's OpenSSL error queue, which it empties.
inline std::string openssl_error(std::string_view what) {
  std::string s(what);
  char buf[256];
  while (unsigned long e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof buf);
    s += ": ";
    s += buf;
  }
  return s;
}

}  // namespace legacyscan
