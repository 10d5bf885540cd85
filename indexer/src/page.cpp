#include "build_stages.hpp"

#include "medsearch/indexer/markdown.hpp"

namespace medsearch::detail {

PageOutcome index_page(const BuildJob& job, PageSource source, DocumentBuilder& builder) {
    PageOutcome outcome;
    const auto& file = job.sources.files[source.file];
    auto parsed = parse_monograph(file.relative, std::move(source.bytes), ParseOptions{job.options.permalink});
    outcome.diagnostics = std::move(parsed.diagnostics);
    if (!parsed.page) return outcome;
    const auto& page = *parsed.page;
    auto built = builder.build(page, parsed.title_line);
    if (built.refused) {
        outcome.diagnostics.push_back(std::move(*built.refused));
        return outcome;
    }
    outcome.document = std::move(built.document);
    outcome.entry = CatalogEntry{page.path, page.title, page.url, source.hash, page.components};
    return outcome;
}

Diagnostic unreadable(const SourceFile& file, const std::string& message) {
    return {Severity::error, file.relative, 0, "unreadable", message};
}

}  // namespace medsearch::detail
