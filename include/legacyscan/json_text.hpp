// SPDX-License-Identifier: Apache-2.0
// JSON to text for everything legacyscan prints or writes. Server strings are bytes from the network or a
// capture and need not be UTF-8: nlohmann's plain dump() throws on such a string (and an uncaught throw
// would lose the whole scan's output), so invalid sequences are replaced with U+FFFD instead.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace legacyscan {

inline std::string json_text(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace legacyscan
