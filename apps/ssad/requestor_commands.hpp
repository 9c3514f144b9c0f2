#pragma once
// `ssad requestor org|user|accreditation|key|list` (docs/requestors.md): the requestor directory from the
// operator's console. Each change is made as the console's operator and recorded in the audit log.

#include <CLI/CLI.hpp>

#include "cli.hpp"

namespace ssad::cli {

/// Adds the requestor commands to `app`; their exit code goes to `exit_code`.
void add_requestor_commands(CLI::App& app, Common& common, int& exit_code);

}  // namespace ssad::cli
