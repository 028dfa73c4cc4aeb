// SPDX-License-Identifier: Apache-2.0
// The closed set of outcomes of a probe, a port or a single check. A server refusing a dialect or a
// cipher is not one of these: it is data in the probe's result.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace legacyscan {

enum class Status {
  ok,              // the exchange completed and was understood
  refused,         // TCP RST on connect, or ICMP port unreachable on UDP
  timeout,         // a deadline passed (connect, read, write, UDP wait after all retries)
  reset,           // the peer reset or closed the connection mid-exchange
  unreachable,     // no route to the address (host/network unreachable)
  protocol_error,  // the peer answered, but not in the protocol (or malformed): reason says what
  error,           // a local failure (resolution, socket error, resource limit)
  skipped,         // not attempted: reason says why (not selected for this port, dependency failed)
};

std::string_view to_string(Status s);
std::optional<Status> status_from_string(std::string_view s);

// A status with its human-readable reason; reason is empty only for ok.
struct Outcome {
  Status status = Status::ok;
  std::string reason;

  [[nodiscard]] bool ok() const { return status == Status::ok; }
  static Outcome success() { return {}; }
  static Outcome failure(Status s, std::string why) { return {s, std::move(why)}; }
};

}  // namespace legacyscan
