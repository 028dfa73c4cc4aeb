# legacyscan_floor(NAME SOURCES ... EXPOSE path... LINK target...)
#
# Adds the static library legacyscan_NAME. EXPOSE lists the repository paths (folders or single
# headers) this floor adds; the library compiles against an include tree that holds symbolic links to
# the paths of this floor and of every floor declared before it, and to nothing else. Includes are
# written from the repository root ("src/proto/smb2/smb2_codec.hpp"; "legacyscan/bytes.hpp" for the
# public headers under include/), so the same #include line works in the floor tree and in the tests,
# which see the whole repository.
set(LEGACYSCAN_FLOOR_PATHS "")
set(LEGACYSCAN_FLOOR_SOURCES "")

function(legacyscan_floor name)
  cmake_parse_arguments(F "" "" "SOURCES;EXPOSE;LINK" ${ARGN})
  set(paths ${LEGACYSCAN_FLOOR_PATHS} ${F_EXPOSE})
  set(tree ${CMAKE_BINARY_DIR}/floors/${name})
  file(REMOVE_RECURSE ${tree})
  foreach(path IN LISTS paths)
    string(REGEX REPLACE "^include/" "" link ${path})
    get_filename_component(parent ${tree}/${link} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${path} ${tree}/${link} SYMBOLIC)
  endforeach()
  add_library(legacyscan_${name} STATIC ${F_SOURCES})
  # PUBLIC: only floors above link this one, and their own tree holds these paths already.
  target_include_directories(legacyscan_${name} PUBLIC ${tree})
  target_link_libraries(legacyscan_${name} PUBLIC ${F_LINK})
  set(LEGACYSCAN_FLOOR_PATHS ${paths} PARENT_SCOPE)
  set(LEGACYSCAN_FLOOR_SOURCES ${LEGACYSCAN_FLOOR_SOURCES} ${F_SOURCES} PARENT_SCOPE)
endfunction()
