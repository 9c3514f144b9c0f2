#pragma once
// `ssad abuse cases|show|lift` (docs/abuse.md): the cases abuse monitoring opened — flags, throttles,
// suspensions — with their evidence, and lifting one as the console operator (audited as `abuse.lift`).

#include <CLI/CLI.hpp>

#include "cli.hpp"

namespace ssad::cli {

/// Adds `ssad abuse` and its subcommands to `app`; their exit code goes to `exit_code`.
void add_abuse_commands(CLI::App& app, Common& common, int& exit_code);

}  // namespace ssad::cli
