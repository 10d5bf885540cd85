// medsearch: the one program. Each subcommand (cli/cmd_*.cpp) parses its
// flags, loads the settings, calls one library function and maps the result
// to an exit code: 0 ok, 1 failure (including pages skipped or checks
// failed), 2 usage.

#include "commands.hpp"
#include "flags.hpp"
#include "output.hpp"

#include "medsearch/common/log.hpp"

#include <CLI/CLI.hpp>
#include <xapian.h>
#ifdef MEDSEARCH_MIMALLOC
#include <mimalloc.h>
#endif

#include <string>

namespace {

using namespace medsearch;
using namespace medsearch::cli;

// "medsearch 0.1.0 (Xapian 1.4.22, mimalloc 2.0.9)": the allocator is named
// only when it really serves this process's allocations.
std::string version_text() {
    std::string allocator = "system malloc";
#ifdef MEDSEARCH_MIMALLOC
    std::string probe(256, 'x');  // on the heap, beyond the small-string buffer
    if (mi_is_in_heap_region(probe.data())) {
        int v = mi_version();
        allocator = "mimalloc " + std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." +
                    std::to_string(v % 10);
    }
#endif
    return std::string("medsearch ") + MEDSEARCH_VERSION + " (Xapian " + Xapian::version_string() + ", " +
           allocator + ")";
}

int run(const Command& command, const SharedFlags& shared) {
    auto settings = load_settings(shared.global, shared.config);
    if (!settings) return fail(settings.error());
    return command.run(settings.value());
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App program{"medsearch: full-text search for drug monographs"};
    program.require_subcommand(1);
    program.set_version_flag("--version", version_text());
    SharedFlags shared;
    add_global_flags(program, shared.global);
    const Command commands[] = {
        add_index_command(program, shared),   add_check_command(program, shared),
        add_search_command(program, shared),  add_suggest_command(program, shared),
        add_serve_command(program, shared),   add_publish_command(program, shared),
        add_rollout_command(program, shared), add_shard_server_command(program, shared),
        add_stats_command(program, shared),   add_report_command(program, shared),
    };
    try {
        program.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return program.exit(e) == 0 ? kOk : kUsage;
    }
    set_log_level(shared.global.quiet ? LogLevel::error : shared.global.verbose ? LogLevel::debug : LogLevel::info);
    for (const auto& command : commands)
        if (command.app->parsed()) return run(command, shared);
    return kUsage;
}
