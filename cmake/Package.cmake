# `cmake --install` and a Debian package (cpack -G DEB) of the medsearch program.
install(FILES README.md DESTINATION share/doc/medsearch)
install(FILES data/config.yaml data/synonyms.yaml data/medicines.yaml data/essential-medicines.txt data/stopwords.txt
        DESTINATION share/doc/medsearch/examples)
# The hardened service unit (docs/deploy.md); Debian's systemd reads /lib/systemd/system.
install(FILES packaging/medsearch.service DESTINATION lib/systemd/system)
install(FILES docs/deploy.md DESTINATION share/doc/medsearch)

set(CPACK_PACKAGE_NAME medsearch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "medsearch maintainers <medsearch@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Full-text search engine for drug monographs")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # medsearch_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)    # Depends: from the libraries linked
# The English word lists tell everyday words from misspelled drug names at index time.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "wamerican | wbritish, wamerican-large | wbritish-large")
set(CPACK_GENERATOR DEB)
include(CPack)
