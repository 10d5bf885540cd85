# medsearch_embed(<output.cpp> FUNCTION <name> FILES <file>...)
# Generates a C++ source defining
#   std::optional<std::string_view> medsearch::<name>(std::string_view file_name);
# that returns the bytes of each file, embedded at build time, so that the
# program needs no data folder at run time. Regenerated when a file changes.
set(MEDSEARCH_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/EmbedScript.cmake)

function(medsearch_embed output)
  cmake_parse_arguments(ARG "" "FUNCTION" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} -DFUNCTION=${ARG_FUNCTION}
            "-DFILES=${ARG_FILES}" -P ${MEDSEARCH_EMBED_SCRIPT}
    DEPENDS ${ARG_FILES} ${MEDSEARCH_EMBED_SCRIPT}
    COMMENT "Embedding ${ARG_FUNCTION} data"
    VERBATIM)
endfunction()
