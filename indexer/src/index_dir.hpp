#pragma once
// The index folder's bookkeeping (see index_layout.hpp): the writer's lock,
// generation names, clean-up of unfinished builds, and atomic publication.

#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/result.hpp"

#include <filesystem>
#include <string>

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

// Removes what unfinished builds left, and generations older than the one
// before `keep_current`. Returns the highest generation number seen.
unsigned long clean_index_dir(const std::filesystem::path& index_dir, const std::string& keep_current);

// fsync of every file in `dir`, then of `dir`.
Status sync_tree(const std::filesystem::path& dir);

// Points CURRENT at `generation` with an atomic rename.
Status publish(const std::filesystem::path& index_dir, const std::string& generation);

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
