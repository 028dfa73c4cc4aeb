// SPDX-License-Identifier: Apache-2.0
// What --help shows beyond the options themselves: the typed value names (DURATION, FILE, RULE) and each
// subcommand's examples. Applied once to the whole app tree after every subcommand has declared its
// options, so the man page and the shell completions (generate.cpp), read from the same tree, show them too.
#pragma once

#include <CLI/CLI.hpp>

namespace legacyscan::cli {

// Sets the value names and the examples footer of every subcommand; throws CLI::OptionNotFound when a
// name below is no longer an option (a unit test runs it).
void describe_values_and_examples(CLI::App& app);

}  // namespace legacyscan::cli
