// SPDX-License-Identifier: Apache-2.0
// What --help shows beyond the options themselves: the typed value names (DURATION, FILE, RULE) and each
// subcommand's examples. Applied once to the whole app tree after every subcommand has declared its
// options, so the man page and the shell completions (generate.cpp), read from the same tree, show them too.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>

namespace legacyscan::cli {

// Sets the value names and the examples footer of every subcommand; throws CLI::OptionNotFound when a
// name below is no longer an option (a unit test runs it).
void describe_values_and_examples(CLI::App& app);

// Help wraps at the terminal's width (help_width): every line wider is broken on words, an option's
// description continuing under itself. Set on the app and every subcommand.
void wrap_help_lines(CLI::App& app);
std::size_t help_width();
std::string wrap_help(const std::string& help, std::size_t width);

}  // namespace legacyscan::cli
