#include "http/index_watcher.hpp"

#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/log.hpp"

namespace medsearch {

Result<std::unique_ptr<IndexWatcher>> IndexWatcher::start(std::filesystem::path index_dir,
                                                          std::chrono::milliseconds interval) {
    auto opened = open_current_index(index_dir);
    if (!opened) return opened.error();
    auto snapshot = Snapshot::load(opened.value().db, opened.value().generation);
    if (!snapshot) return snapshot.error();
    return std::unique_ptr<IndexWatcher>(new IndexWatcher(std::move(index_dir), snapshot.value(), interval));
}

IndexWatcher::IndexWatcher(std::filesystem::path index_dir, std::shared_ptr<const Snapshot> first,
                           std::chrono::milliseconds interval)
    : index_dir_(std::move(index_dir)), latest_(std::move(first)), interval_(interval) {
    thread_ = std::thread([this] {
        std::unique_lock lock(stop_mutex_);
        while (!stop_signal_.wait_for(lock, interval_, [this] { return stopping_; })) {
            lock.unlock();
            refresh();
            lock.lock();
        }
    });
}

IndexWatcher::~IndexWatcher() {
    {
        std::lock_guard lock(stop_mutex_);
        stopping_ = true;
    }
    stop_signal_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const Snapshot> IndexWatcher::latest() const {
    std::lock_guard lock(mutex_);
    return latest_;
}

void IndexWatcher::refresh() {
    auto current = read_current_generation(index_dir_);
    if (!current || current.value().name == latest()->generation().name) return;
    auto opened = open_current_index(index_dir_);
    if (opened && opened.value().generation.name == latest()->generation().name) return;  // CURRENT dangles
    if (!opened) {
        log_warn("index", "cannot open the new index, still serving " + latest()->generation().name + ": " +
                              opened.error().message);
        return;
    }
    auto snapshot = Snapshot::load(opened.value().db, opened.value().generation);
    if (!snapshot) {
        log_warn("index", "cannot load the new index, still serving " + latest()->generation().name + ": " +
                              snapshot.error().message);
        return;
    }
    log_info("index", "now serving " + snapshot.value()->generation().name + " (" +
                          std::to_string(snapshot.value()->pages().size()) + " pages)");
    loads_.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    latest_ = snapshot.value();
}

}  // namespace medsearch
