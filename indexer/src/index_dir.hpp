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

unsigned long generation_number(const std::string& name);
std::string generation_name(unsigned long number);

// Removes what unfinished builds left, and generations older than the one
// before `keep_current`. Returns the highest generation number seen.
unsigned long clean_index_dir(const std::filesystem::path& index_dir, const std::string& keep_current);

// fsync of every file in `dir`, then of `dir`.
Status sync_tree(const std::filesystem::path& dir);

// Points CURRENT at `generation` with an atomic rename.
Status publish(const std::filesystem::path& index_dir, const std::string& generation);

}  // namespace medsearch::detail
