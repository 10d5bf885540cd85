#include "http/opensearch.hpp"

#include "medsearch/common/text.hpp"

namespace medsearch {
namespace {

// A Host header is the client's to write: only a name or address and a port
// may go into the document.
bool plain_host(std::string_view host) {
    if (host.empty() || host.size() > 255) return false;
    for (char ch : host) {
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                  ch == '-' || ch == ':' || ch == '[' || ch == ']';
        if (!ok) return false;
    }
    return true;
}

std::string host_of(std::string_view url) {
    auto start = url.find("://");
    if (start == std::string_view::npos) return {};
    url.remove_prefix(start + 3);
    return std::string(url.substr(0, url.find_first_of("/:?#")));
}

}  // namespace

std::string public_base_url(const HttpRequest& req, const ServerOptions& options) {
    std::string base = options.public_url;
    if (base.empty()) {
        auto host = req.header("Host");
        base = "http://" + (plain_host(host) ? host : options.host + ":" + std::to_string(options.port));
    }
    while (base.ends_with('/')) base.pop_back();
    return base;
}

std::string search_short_name(const ServerOptions& options) {
    std::string name = options.search_name;
    if (name.empty()) {
        name = host_of(options.site_url);
        if (name.starts_with("www.")) name.erase(0, 4);
        // "medicines.example.org" is too long a name: its first label.
        if (name.size() > 16) name = name.substr(0, name.find('.'));
    }
    if (name.empty()) name = "Medicines";
    if (name.size() > 16) {
        name.resize(16);
        // Not inside a UTF-8 sequence.
        while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80) name.pop_back();
        if (!name.empty() && static_cast<unsigned char>(name.back()) >= 0xC0) name.pop_back();
    }
    return name;
}

std::string opensearch_description(std::string_view short_name, std::string_view base_url) {
    auto name = html_escape(short_name);
    auto base = html_escape(base_url);
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\"\n"
           "                       xmlns:moz=\"http://www.mozilla.org/2006/browser/search/\">\n"
           "  <ShortName>" + name + "</ShortName>\n"
           "  <Description>Search the medicines of " + name + "</Description>\n"
           "  <InputEncoding>UTF-8</InputEncoding>\n"
           "  <Url type=\"text/html\" method=\"get\" template=\"" + base + "/?q={searchTerms}\"/>\n"
           "  <Url type=\"application/x-suggestions+json\" method=\"get\"\n"
           "       template=\"" + base + "/suggest?q={searchTerms}&amp;format=opensearch\"/>\n"
           "  <Url type=\"application/opensearchdescription+xml\" rel=\"self\" template=\"" + base +
           "/opensearch.xml\"/>\n"
           "  <moz:SearchForm>" + base + "/</moz:SearchForm>\n"
           "</OpenSearchDescription>\n";
}

}  // namespace medsearch
