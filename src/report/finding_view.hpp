// SPDX-License-Identifier: Apache-2.0
// A host's findings as the reports show them: ports whose findings repeat another port's are folded
// into it ("139/tcp: same as 445/tcp"), the rows to act on come first, and rows that differ only in
// the last part of their check id share one line ("smb.signing.{3.0,3.1.1}").
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "src/report/render.hpp"

namespace legacyscan::report {

// A port of a probe whose findings are those of an earlier port of the same probe.
struct FoldedPort {
  std::string probe;
  std::string port;
  std::string same_as;
};

// One line of findings: one finding, or several with the same probe, port, verdict and value.
struct FindingLine {
  const FindingRow* first = nullptr;
  std::string check;  // "smb1", or "smb.signing.{2.1,3.0}" for several
  std::size_t count = 1;
};

struct FindingView {
  std::vector<const FindingRow*> rows;  // the findings of the ports not folded, in table order
  std::vector<FoldedPort> folded;
};

FindingView fold_ports(const Host& h);
// The ports folded into others, one line each: "139/tcp: same as 445/tcp", "3269/tcp, 389/tcp: same as
// 636/tcp". Only the folds of ports with a row in `shown`.
std::vector<std::string> fold_notes(const FindingView& v, const std::vector<const FindingRow*>& shown);
// The rows to act on: bad ones, then warn ones, each in table order.
std::vector<const FindingRow*> to_fix(const FindingView& v);
// Consecutive rows of the same probe, port, verdict and value whose check ids differ after a shared
// stem ("smb.signing.") become one line.
std::vector<FindingLine> merge_lines(const std::vector<const FindingRow*>& rows);

// Findings of a host with this verdict ("bad", "warn"), every port counted.
std::size_t count_verdict(const Host& h, const std::string& verdict);

// A long value made short enough to read: a quoted server message repeated in it is written once
// (later copies become "(same message)"), whitespace runs become one space.
std::string summarise(const std::string& value);

}  // namespace legacyscan::report
