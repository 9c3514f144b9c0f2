#pragma once
// `ssad policy check|default|explain` (docs/policy.md).

#include <CLI/CLI.hpp>

#include "cli.hpp"

namespace ssad::cli {

/// Adds the policy commands to `app`; their exit code goes to `exit_code`.
void add_policy_commands(CLI::App& app, Common& common, int& exit_code);

}  // namespace ssad::cli
