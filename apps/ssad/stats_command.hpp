#pragma once
// `ssad stats` (docs/statistics.md): the transparency statistics of disclosure requests, a period beside
// the cumulative figures, as a table, JSON or CSV.

#include <CLI/CLI.hpp>

#include "cli.hpp"

namespace ssad::cli {

/// Adds `ssad stats` to `app`; its exit code goes to `exit_code`.
void add_stats_command(CLI::App& app, Common& common, int& exit_code);

}  // namespace ssad::cli
