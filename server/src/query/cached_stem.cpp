#include "query/cached_stem.hpp"

#include <string>
#include <unordered_map>

namespace medsearch {
namespace {

class CachedStem : public Xapian::StemImplementation {
  public:
    CachedStem(const Xapian::Stem& stemmer, std::size_t max_words) : stemmer_(stemmer), max_words_(max_words) {
        stems_.reserve(max_words);
    }

    std::string operator()(const std::string& word) override {
        if (auto it = stems_.find(word); it != stems_.end()) return it->second;
        // Forgetting everything at once keeps the lookup a plain hash map.
        if (stems_.size() >= max_words_) stems_.clear();
        return stems_.emplace(word, stemmer_(word)).first->second;
    }

    std::string get_description() const override { return "cached " + stemmer_.get_description(); }

  private:
    Xapian::Stem stemmer_;
    std::size_t max_words_;
    std::unordered_map<std::string, std::string> stems_;
};

}  // namespace

Xapian::Stem make_cached_stemmer(const Xapian::Stem& stemmer, std::size_t max_words) {
    return Xapian::Stem(new CachedStem(stemmer, max_words));
}

}  // namespace medsearch
