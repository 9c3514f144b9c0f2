#pragma once
// `ssad audit keygen|verify|export|checkpoint` (docs/audit.md).

#include <CLI/CLI.hpp>

#include "cli.hpp"

namespace ssad::cli {

/// Adds the audit commands to `app`; their exit code goes to `exit_code`.
void add_audit_commands(CLI::App& app, Common& common, int& exit_code);

}  // namespace ssad::cli
