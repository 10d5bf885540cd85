#pragma once
// One stderr line per event: "warn: indexer: b/x.md: missing front matter".
// Libraries return errors; main() and the HTTP layer log them, once.

#include <string_view>

namespace medsearch {

enum class LogLevel { debug, info, warn, error, off };

void set_log_level(LogLevel level);
// Whether a message at `level` would be written (to skip building it).
bool log_enabled(LogLevel level);
void log_debug(std::string_view component, std::string_view message);
void log_info(std::string_view component, std::string_view message);
void log_warn(std::string_view component, std::string_view message);
void log_error(std::string_view component, std::string_view message);

}  // namespace medsearch
