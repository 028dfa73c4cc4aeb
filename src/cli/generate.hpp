// SPDX-License-Identifier: Apache-2.0
// The man page and the bash, zsh and fish completions, written from the same CLI11 app tree that
// --help prints (the hidden `legacyscan --generate man|bash|zsh|fish`, run by the build), so they list
// exactly the subcommands, options, value names and choices of this binary.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace legacyscan::cli {

// "man", "bash", "zsh", "fish".
inline constexpr const char* kGeneratedKinds[] = {"man", "bash", "zsh", "fish"};

std::string generate_man_page(const CLI::App& app);
std::string generate_bash_completion(const CLI::App& app);
std::string generate_zsh_completion(const CLI::App& app);
std::string generate_fish_completion(const CLI::App& app);

// One of the above by kind; "" for an unknown kind.
std::string generate(const CLI::App& app, const std::string& kind);

}  // namespace legacyscan::cli
