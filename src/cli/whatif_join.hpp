// SPDX-License-Identifier: Apache-2.0
// `whatif --wave W --accounts A --events E [--scan S]`: who breaks, from audits, events and scans
// joined (src/compat/whatif_join.hpp), as a table or JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "src/compat/whatif_join.hpp"

namespace legacyscan::cli {

// The accounts of saved `legacyscan accounts` documents after the wave; "" or why one cannot be read.
std::string wave_rows_of_audit(const std::string& file, std::vector<matrix::WaveAccountRow>& rows);
// kerberos_accounts[] of `legacyscan events --format json` output, or of an event export read here.
std::string event_accounts_of(const std::string& file, std::vector<matrix::EventAccount>& out);

void print_who_breaks(std::ostream& out, const matrix::Wave& wave, const std::vector<matrix::WhoBreaksRow>& rows,
                      const std::vector<matrix::BrokenClient>& clients, std::size_t width);

}  // namespace legacyscan::cli
