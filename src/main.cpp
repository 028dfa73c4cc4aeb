// SPDX-License-Identifier: Apache-2.0
#include "src/cli/cli.hpp"

int main(int argc, char** argv) { return legacyscan::cli::main(argc, argv); }
