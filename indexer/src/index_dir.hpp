#pragma once
// The index folder's bookkeeping (see index_layout.hpp): the writer's lock,
// generation names, clean-up of unfinished builds, and atomic publication.

#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/result.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace medsearch::detail {

// Held by the one process writing an index folder; released on destruction
// or when the process dies.
class IndexLock {
  public:
    static Result<IndexLock> acquire(const std::filesystem::path& index_dir);
    IndexLock(IndexLock&& other) noexcept;
    IndexLock& operator=(IndexLock&&) = delete;
    ~IndexLock();

  private:
    explicit IndexLock(int fd) : fd_(fd) {}
    int fd_;
};

std::string generation_name(unsigned long number);

// The generation that serves, as the writer sees it: the one CURRENT names,
// or, when CURRENT is missing, damaged or names a generation that cannot
// serve, the newest complete generation, which is published again (and
// `recovered` says what happened). Empty when no generation can serve.
struct ServingGeneration {
    std::optional<IndexGeneration> generation;
    std::string recovered;  // empty when CURRENT was sound
};
Result<ServingGeneration> find_serving_generation(const std::filesystem::path& index_dir);

// Removes what unfinished builds left (tmp-*, generations newer than
// `keep_current`, which were never published) and generations older than the
// one before `keep_current`. With no `keep_current`, only tmp-* goes: nothing
// that might still serve is removed. Returns the highest generation number seen.
unsigned long clean_index_dir(const std::filesystem::path& index_dir, const std::string& keep_current);

// Asks the kernel to start writing every file of `dir` to disk, without
// waiting: sync_tree() then waits for less. Durability still needs sync_tree().
void start_writeback(const std::filesystem::path& dir);

// fsync of every file in `dir`, then of `dir`.
Status sync_tree(const std::filesystem::path& dir);

// fsync of one file, or of a folder's entries.
Status fsync_path(const std::filesystem::path& path, bool directory);
// Points CURRENT at `generation` with an atomic rename.
Status publish(const std::filesystem::path& index_dir, const std::string& generation);

// " (disk full or file size limit reached; ...)" when `message` says that a
// disk or a limit ran out (or gave an I/O error, as some full disks do);
// empty for any other failure.
std::string_view storage_hint(std::string_view message);

// Adds storage_hint() to the message, once.
Error explain_storage_error(Error error);

// A copy of the files of a database folder in `to` (created), writable by this
// process whatever the originals' modes; a failure names the file and keeps
// its cause ("No space left on device", "File too large").
Status copy_database(const std::filesystem::path& from, const std::filesystem::path& to);
Status copy_file_contents(const std::filesystem::path& from, const std::filesystem::path& to);

// Writes the seal (check.hpp) of the database folder `db`, whose files are
// final: the last step before they are made durable.
Status write_seal(const std::filesystem::path& db);

// remove_all, making read-only folders of this owner writable first if need be.
Status remove_tree(const std::filesystem::path& path);

// The steps of publishing, in order. MEDSEARCH_FAULT_PUBLISH=N makes step N
// fail with an error, and MEDSEARCH_FAULT_PUBLISH=N:kill kills the process
// there (SIGKILL): the tests' way to reach each moment of a publish.
enum class PublishStep {
    sync_files = 1,     // seal (check.hpp) and fsync every file of the new database
    move_into_place,    // rename tmp-gen-N/db to gen-N
    sync_folder,        // fsync INDEXDIR so that gen-N is durable
    write_current,      // write and fsync CURRENT.tmp
    replace_current,    // rename CURRENT.tmp over CURRENT
    sync_current,       // fsync INDEXDIR so that CURRENT is durable
    clean_up,           // remove generations no reader needs any more
};
inline constexpr int kPublishSteps = 7;

// The next generation while it is written: INDEXDIR/tmp-gen-N/, holding the
// database in db/ and any scratch files beside it. Removed on destruction
// unless published. Call with the index folder's lock held.
class NewGeneration {
  public:
    // Removes what unfinished builds left and names the generation after the
    // highest one seen.
    static Result<NewGeneration> start(const std::filesystem::path& index_dir, const std::string& current);
    NewGeneration(NewGeneration&& other) noexcept;
    NewGeneration& operator=(NewGeneration&&) = delete;
    ~NewGeneration();

    const std::string& name() const { return name_; }
    const std::filesystem::path& scratch() const { return scratch_; }
    std::filesystem::path db() const { return scratch_ / "db"; }

    // Makes db/ durable, moves it into place, points CURRENT at it and drops
    // generations no reader needs any more.
    Status publish();

  private:
    NewGeneration(std::filesystem::path index_dir, std::string name);
    std::filesystem::path index_dir_;
    std::string name_;
    std::filesystem::path scratch_;
};

}  // namespace medsearch::detail
