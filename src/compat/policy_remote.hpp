// SPDX-License-Identifier: Apache-2.0
// The policy rules over the remote-access probes' results: vpn.pptp=off, ike.v1=off,
// ike.aggressive=off, ike.3des=off, ike.min-group=N (vpn probe), rdp.nla=required, rdp.standard-security=off (rdp
// probe), dtls.min=1.2 (the tls probe's DTLS endpoints). policy.cpp hands them here by key.
#pragma once

#include <string>
#include <vector>

#include "src/compat/host_view.hpp"
#include "src/compat/policy.hpp"

namespace legacyscan {

[[nodiscard]] bool is_remote_policy_rule(const std::string& key);
// False with `error` set when the value is not one the rule takes.
[[nodiscard]] bool remote_policy_value_ok(const PolicyRule& rule, std::string& error);
// `r` comes with the rule and host filled in.
RuleResult check_remote_policy_rule(const PolicyRule& rule, const HostView& host, RuleResult r);

}  // namespace legacyscan
