// Runs a fuzz target once over every file of the folders (or files) named on
// the command line, without libFuzzer: the seeds and past crashes as a test.
// Like libFuzzer's -timeout and -rss_limit_mb, an input that takes far longer
// or far more memory than any should fails the run.
#include <sys/resource.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

// Generous beside what an input costs (milliseconds, a few MB, sanitizers
// included): only a blow-up reaches them.
constexpr double kMaxSecondsPerInput = 2.0;
constexpr long kMaxGrowthKb = 256 * 1024;

long peak_rss_kb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    std::vector<std::filesystem::path> inputs;
    for (int i = 1; i < argc; ++i) {
        std::filesystem::path arg(argv[i]);
        std::error_code ec;
        if (std::filesystem::is_directory(arg, ec)) {
            for (const auto& entry : std::filesystem::recursive_directory_iterator(arg))
                if (entry.is_regular_file()) inputs.push_back(entry.path());
        } else {
            inputs.push_back(arg);
        }
    }
    int failures = 0;
    for (const auto& input : inputs) {
        std::ifstream in(input, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::fprintf(stderr, "%s\n", input.c_str());
        long peak_before = peak_rss_kb();
        auto start = std::chrono::steady_clock::now();
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        long growth = peak_rss_kb() - peak_before;
        if (seconds > kMaxSecondsPerInput || growth > kMaxGrowthKb) {
            std::fprintf(stderr, "%s: took %.2f s and %ld MB more memory (limits %.0f s, %ld MB)\n", input.c_str(),
                         seconds, growth / 1024, kMaxSecondsPerInput, kMaxGrowthKb / 1024);
            ++failures;
        }
    }
    std::printf("%zu inputs replayed, %d over the time or memory limit\n", inputs.size(), failures);
    return failures == 0 ? 0 : 1;
}
