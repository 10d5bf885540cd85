#include "medsearch/common/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace medsearch {
namespace {

// spdlog gives a thread-safe sink and cheap level filtering; the pattern keeps
// lines short and greppable ("warn: http: ...").
spdlog::logger& logger() {
    static auto instance = [] {
        auto made = spdlog::stderr_logger_mt("medsearch");
        made->set_pattern("%l: %v");
        made->set_level(spdlog::level::info);
        return made;
    }();
    return *instance;
}

void emit(spdlog::level::level_enum level, std::string_view component, std::string_view message) {
    logger().log(level, "{}: {}", component, message);
}

}  // namespace

void set_log_level(LogLevel level) {
    static constexpr spdlog::level::level_enum kMap[] = {
        spdlog::level::debug, spdlog::level::info, spdlog::level::warn, spdlog::level::err,
        spdlog::level::off};
    logger().set_level(kMap[static_cast<int>(level)]);
}

bool log_enabled(LogLevel level) {
    static constexpr spdlog::level::level_enum kMap[] = {
        spdlog::level::debug, spdlog::level::info, spdlog::level::warn, spdlog::level::err,
        spdlog::level::off};
    return logger().should_log(kMap[static_cast<int>(level)]);
}

void log_debug(std::string_view component, std::string_view message) {
    emit(spdlog::level::debug, component, message);
}
void log_info(std::string_view component, std::string_view message) {
    emit(spdlog::level::info, component, message);
}
void log_warn(std::string_view component, std::string_view message) {
    emit(spdlog::level::warn, component, message);
}
void log_error(std::string_view component, std::string_view message) {
    emit(spdlog::level::err, component, message);
}

}  // namespace medsearch
