// SPDX-License-Identifier: Apache-2.0
// The policy rules over what an SMB port grants after the negotiate (the smb probe's
// ports[P].sessions and .shares): smb.guest=off, smb.anonymous=off, smb.encryption=required,
// ntlm.v1=off, ntlm.lm=off.
#pragma once

#include <string>
#include <vector>

#include "probes/smb/smb_result.hpp"

namespace legacyscan {

// Whether `key` is one of those rules.
bool is_session_rule(const std::string& key);
// One port's result against the rule: appends what violates it to `bad`; false when the port did not
// test it (then it counts neither way).
bool check_session_rule(const std::string& key, const std::string& port, const smb::PortResult& p,
                        std::vector<std::string>& bad);

}  // namespace legacyscan
