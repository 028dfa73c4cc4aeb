// SPDX-License-Identifier: Apache-2.0
// The Matrix result declared once (fields()): every result of a full lab scan reads back from its JSON and
// writes the same JSON again, and the keys each struct declares are the keys the JSON schema lists for it.
// Golden data: tests/data/results/matrix.json (hosts[].matrix as {"status", "rows"} of the lab scan, see its
// README.md).
#include "probes/matrix/matrix_result.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan::matrix {
namespace {

using test::expect_keys_match_schema;

TEST(MatrixResultFields, LabResultsRoundTrip) { test::expect_round_trip("matrix", fields::read<MatrixResult>); }

TEST(MatrixResultFields, KeysAreTheSchemas) {
  // MatrixResult is written into hosts[].matrix (its rows) and hosts[].matrix_status by the report.
  expect_keys_match_schema<Row>("/$defs/matrix_row");
  expect_keys_match_schema<Cell>("/$defs/matrix_cell");
}

}  // namespace
}  // namespace legacyscan::matrix
