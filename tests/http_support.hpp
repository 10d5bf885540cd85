#pragma once
// A real HTTP server on a free loopback port for the HTTP tests, stopped and
// joined at the end, and an index of the fixtures for it to serve.
#include "medsearch/server/http.hpp"
#include "support.hpp"

// The tests talk HTTP with cpp-httplib's client.
#include <httplib.h>

#include <chrono>
#include <functional>
#include <thread>

namespace medsearch::test {

class FixtureIndex {
  public:
    FixtureIndex() { REQUIRE(build_index(fixture_build(fixtures() / "corpus", index())).ok()); }
    fs::path index() const { return dir_ / "index"; }
    const fs::path& path() const { return dir_.path(); }

  private:
    TempDir dir_;
};

// Two workers, no cache and no access log unless `tune` says otherwise.
class TestServer {
  public:
    explicit TestServer(const fs::path& index_dir, std::function<void(ServerOptions&)> tune = {}) {
        ServerOptions options;
        options.index_dir = index_dir;
        options.port = 0;
        options.threads = 2;
        options.access_log = false;
        options.cache_bytes = 0;
        if (tune) tune(options);
        auto created = HttpServer::create(options);
        REQUIRE(created.ok());
        server_ = std::move(created.value());
        auto bound = server_->bind();
        REQUIRE(bound.ok());
        port_ = bound.value();
        thread_ = std::thread([this] { (void)server_->run(); });
        for (int i = 0; i < 400 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        REQUIRE(server_->is_running());
    }
    ~TestServer() {
        server_->stop();
        thread_.join();
    }
    int port() const { return port_; }
    httplib::Client client() const { return httplib::Client("127.0.0.1", port_); }
    HttpServer& http() { return *server_; }

  private:
    std::unique_ptr<HttpServer> server_;
    std::thread thread_;
    int port_ = 0;
};

}  // namespace medsearch::test
