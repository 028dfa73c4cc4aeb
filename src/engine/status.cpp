// SPDX-License-Identifier: Apache-2.0
#include "legacyscan/engine/status.hpp"

#include <array>
#include <utility>

namespace legacyscan {

namespace {
constexpr std::array<std::pair<Status, std::string_view>, 8> kNames{{
    {Status::ok, "ok"},
    {Status::refused, "refused"},
    {Status::timeout, "timeout"},
    {Status::reset, "reset"},
    {Status::unreachable, "unreachable"},
    {Status::protocol_error, "protocol-error"},
    {Status::error, "error"},
    {Status::skipped, "skipped"},
}};
}  // namespace

std::string_view to_string(Status s) {
  for (const auto& [status, name] : kNames)
    if (status == s) return name;
  return "error";
}

std::optional<Status> status_from_string(std::string_view s) {
  for (const auto& [status, name] : kNames)
    if (name == s) return status;
  return std::nullopt;
}

}  // namespace legacyscan
